import * as fs from 'node:fs';
import { fsPath } from '../fs/byte-names';

/** At most this much of the end of a log is read, however large the log (robocopy's reach GBs). */
const MAX_TAIL_BYTES = 256 * 1024;

export interface LogTail { lines: string[]; truncated: boolean; size: number }

/**
 * The last `maxLines` lines of an engine log the run recorded for a chunk. The path never comes
 * from the client: the caller takes it from the chunk's row. Only a regular file is read (a
 * link planted in its place is not followed), and only its tail. UTF-16 (robocopy /UNILOG) is
 * recognised by its byte-order mark.
 */
export function readLogTail(logPath: string, maxLines: number): LogTail {
  const fd = fs.openSync(fsPath(logPath), fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    const bom = Buffer.alloc(2);
    const bomRead = fs.readSync(fd, bom, 0, 2, 0);
    const utf16 = bomRead === 2 && bom[0] === 0xff && bom[1] === 0xfe;
    let start = Math.max(0, st.size - MAX_TAIL_BYTES);
    if (utf16 && start % 2 === 1) start++;
    const buf = Buffer.alloc(st.size - start);
    const n = buf.length > 0 ? fs.readSync(fd, buf, 0, buf.length, start) : 0;
    let text = buf.subarray(0, n).toString(utf16 ? 'utf16le' : 'utf8');
    if (start === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const all = text.split(/\r?\n/);
    if (all.length > 0 && all[all.length - 1] === '') all.pop();
    // A tail that starts mid-file starts mid-line: that partial first line is dropped.
    if (start > 0) all.shift();
    return { lines: all.slice(-maxLines), truncated: start > 0 || all.length > maxLines, size: st.size };
  } finally {
    fs.closeSync(fd);
  }
}
