import * as fs from 'node:fs';
import * as path from 'node:path';
import { displayName } from '../fs/byte-names';
import { mkdirPrivate, openPrivateAppend } from '../fs/private-files';
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
 * --log-file. Private (0600 in a 0700 folder, never through a link). Buffered: lines gather into
 * writes of up to 64 KiB, written at the latest a fifth of a second after the first of them (a
 * full copy of 100k files wrote a line at a time: ~0.2 s of the main thread in the stream alone);
 * a log that cannot be written never fails the run (one warning, then silence).
 */
export class FilesLog {
  private readonly stream: fs.WriteStream;
  private profile?: string;
  private failed = false;
  private closing?: Promise<void>;
  private pending = '';
  private flushTimer?: NodeJS.Timeout;
  /** The last record's time and its ISO text: a busy second has thousands of records in each millisecond. */
  private lastTime = NaN;
  private lastIso = '';

  constructor(readonly file: string, header: { sessionId: string; dryRun: boolean }, private readonly onError: (err: Error) => void) {
    mkdirPrivate(path.dirname(file));
    this.stream = fs.createWriteStream(file, { fd: openPrivateAppend(file) });
    this.stream.on('error', (err) => this.fail(err));
    this.stream.write(`# robocurse files.log of session ${header.sessionId}; tab-separated: ${FILES_LOG_COLUMNS.join(', ')}\n`);
    if (header.dryRun) this.stream.write('# DRY RUN: nothing was written; each line is what a real run would do\n');
  }

  write(r: FileReport): void {
    if (this.failed || this.closing) return;
    if (r.profile !== this.profile) {
      this.profile = r.profile;
      this.pending += `# profile ${field(r.profile)}\n`;
    }
    if (r.time !== this.lastTime) { this.lastTime = r.time; this.lastIso = new Date(r.time).toISOString(); }
    this.pending += `${formatRecord(r, this.lastIso)}\n`;
    if (this.pending.length >= 65_536) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), 200).unref();
  }

  private flush(): void {
    if (this.flushTimer) { clearTimeout(this.flushTimer); this.flushTimer = undefined; }
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    if (!this.failed) this.stream.write(text);
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.onError(err);
  }

  /** Writes out what is buffered and closes the file; idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      this.flush();
      if (this.stream.closed || this.stream.destroyed) { resolve(); return; }
      this.stream.once('close', () => resolve());
      this.stream.end();
    });
    return this.closing;
  }
}
