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

/**
 * A field as one line can hold it: names that are not UTF-8 as `\xNN` (byte-names.ts), and tabs,
 * line breaks and other control characters as `\xNN` too, so every record is one line of
 * tab-separated fields whatever a file is called.
 */
function field(s: string): string {
  // eslint-disable-next-line no-control-regex
  return displayName(s).replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** One record: time, action, size (bytes, '-' unknown), path (a directory ends in '/'), chunk, note. */
export function formatRecord(r: FileReport): string {
  const note = r.error ?? (r.isDir && (r.entries ?? 1) > 1 ? `directory with ${r.entries! - 1} entr${r.entries === 2 ? 'y' : 'ies'} inside` : '');
  return [
    new Date(r.time).toISOString(), r.action, r.size === undefined || r.size < 0 ? '-' : String(r.size),
    `${field(r.relPath)}${r.isDir ? '/' : ''}`, r.chunkId ?? '-', field(note),
  ].join('\t');
}

/**
 * `<logDir>/<session>/files.log`: one line per file a run copied (new or update), deleted,
 * skipped on purpose or failed, written as the engines report them (robocopy's at the end of each
 * chunk, from its log). The morning-after record admins grep, like robocopy's /LOG or rsync's
 * --log-file. Private (0600 in a 0700 folder, never through a link). Buffered: a line costs no
 * system call; a log that cannot be written never fails the run (one warning, then silence).
 */
export class FilesLog {
  private readonly stream: fs.WriteStream;
  private profile?: string;
  private failed = false;
  private closing?: Promise<void>;

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
      this.stream.write(`# profile ${field(r.profile)}\n`);
    }
    this.stream.write(`${formatRecord(r)}\n`);
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.onError(err);
  }

  /** Writes out what is buffered and closes the file; idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      if (this.stream.closed || this.stream.destroyed) { resolve(); return; }
      this.stream.once('close', () => resolve());
      this.stream.end();
    });
    return this.closing;
  }
}
