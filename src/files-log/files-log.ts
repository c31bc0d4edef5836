import * as path from 'node:path';
import { displayName } from '../fs/byte-names';
import { BatchedAppendFile } from '../fs/batched-append-file';
import type { FileReport } from './file-report';

/** File name of the per-file log inside a session's log folder (`<logDir>/<session>/`). */
export const FILES_LOG = 'files.log';

/** The per-file log of session `sessionId` under `logDir`. */
export function filesLogPath(logDir: string, sessionId: string): string {
  return path.join(logDir, sessionId, FILES_LOG);
}

export const FILES_LOG_COLUMNS = ['time', 'action', 'size', 'path', 'chunk', 'note'] as const;

/** Any character a field may not carry as it is: controls, and whatever is not plain ASCII (escaped names among them). */
const NOT_PLAIN = /[^\x20-\x7e]/;

/**
 * A field as one line can hold it: names that are not UTF-8 as `\xNN` (byte-names.ts), and tabs,
 * line breaks and other control characters as `\xNN` too, so every record is one line of
 * tab-separated fields whatever a file is called. Printable ASCII (most names) is taken as it is.
 */
function field(s: string): string {
  if (!NOT_PLAIN.test(s)) return s;
  // eslint-disable-next-line no-control-regex
  return displayName(s).replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** One record: time, action, size (bytes, '-' unknown), path (a directory ends in '/'), chunk, note. */
export function formatRecord(r: FileReport, isoTime: string = new Date(r.time).toISOString()): string {
  const note = r.error ?? (r.isDir && (r.entries ?? 1) > 1 ? `directory with ${r.entries! - 1} entr${r.entries === 2 ? 'y' : 'ies'} inside` : '');
  const size = r.size === undefined || r.size < 0 ? '-' : String(r.size);
  return `${isoTime}\t${r.action}\t${size}\t${field(r.relPath)}${r.isDir ? '/' : ''}\t${r.chunkId ?? '-'}\t${note ? field(note) : ''}`;
}

/**
 * `<logDir>/<session>/files.log`: one line per file a run copied (new or update), deleted,
 * skipped on purpose or failed, written as the engines report them (robocopy's at the end of each
 * chunk, from its log). The morning-after record admins grep, like robocopy's /LOG or rsync's
 * --log-file. Private, and written in batches (BatchedAppendFile: a full copy of 100k files wrote
 * a line at a time, ~0.2 s of the main thread in the stream alone); a log that cannot be written
 * never fails the run (one warning, then silence).
 */
export class FilesLog {
  private readonly out: BatchedAppendFile;
  private profile?: string;
  /** The last record's time and its ISO text: a busy second has thousands of records in each millisecond. */
  private lastTime = NaN;
  private lastIso = '';

  constructor(readonly file: string, header: { sessionId: string; dryRun: boolean }, onError: (err: Error) => void) {
    this.out = new BatchedAppendFile(file,
      `# robocurse files.log of session ${header.sessionId}; tab-separated: ${FILES_LOG_COLUMNS.join(', ')}\n${header.dryRun ? '# DRY RUN: nothing was written; each line is what a real run would do\n' : ''}`,
      onError);
  }

  write(r: FileReport): void {
    if (!this.out.open) return;
    let text = '';
    if (r.profile !== this.profile) {
      this.profile = r.profile;
      text = `# profile ${field(r.profile)}\n`;
    }
    if (r.time !== this.lastTime) { this.lastTime = r.time; this.lastIso = new Date(r.time).toISOString(); }
    this.out.add(`${text}${formatRecord(r, this.lastIso)}\n`);
  }

  /** Writes out what is buffered and closes the file; idempotent. */
  close(): Promise<void> {
    return this.out.close();
  }
}
