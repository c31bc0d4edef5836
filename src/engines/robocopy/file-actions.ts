import type { Chunk, CopyOptions } from '../../api';
import type { RobocopyLogError } from './log/types';
import type { ConsoleLineListener } from './stdout-progress';

/** English classes robocopy prints; a console in another language gives `copy` (new or update unknown). */
const NEW = new Set(['new file']);
const UPDATE = new Set(['newer', 'older', 'changed', 'tweaked']);
const NOT_COPIED = new Set(['same', 'new dir']);

/** `full` (a path from /FP output) relative to `root`, '/'-separated; undefined when outside it. */
function relativeTo(root: string, full: string): string | undefined {
  const win = /^[A-Za-z]:|^\\\\/.test(root);
  const norm = (p: string): string => (win ? p.replace(/\\/g, '/') : p);
  const r = `${norm(root).replace(/\/+$/, '')}/`;
  const f = norm(full);
  const same = win ? f.toLowerCase().startsWith(r.toLowerCase()) : f.startsWith(r);
  return same ? f.slice(r.length) : undefined;
}

type Report = Pick<CopyOptions, 'mirror' | 'onFileAction' | 'onDeletion'>;

/** Events with a console name that may be mangled, held until the log gives the exact name. */
const MAX_DEFERRED = 100_000;
/** What a console in an OEM code page prints for a character it cannot show (and U+FFFD for bytes it could not decode). */
const LOSSY = /[?\ufffd]/;
/** The lines the log parser keeps in nameLines (line-parser.ts): the k-th such console line is its k-th. */
// eslint-disable-next-line no-control-regex
const NAME_LINE = /[^\x00-\x7f]|\?/;

/** A console name as a pattern for exact names: each '?' or U+FFFD stands for one or two UTF-16 units. */
function lossyPattern(full: string): RegExp {
  const parts = full.split(/[?\ufffd]/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^\\\\/]{1,2}')}$`);
}

interface Deferred { full: string; index: number; emit(full: string): void }

/**
 * What a robocopy job did per file, from its console output as it streams (memory stays flat
 * however big the chunk): a file line is a copy (new, update, or `copy` in another language) once
 * the next line shows it was not followed by an ERROR block; extras are deletions under a mirror
 * (reported through `onDeletion`, as the other engines do); `*Mismatch` is a failure. The
 * failures themselves come from the job's log at the end (finish), with robocopy's message.
 * A console in an OEM code page prints a character it cannot show as '?' (never part of a Windows
 * name): such events wait for the end, where the /UNILOG log (UTF-16, exact) gives the name.
 */
export class RobocopyFileReporter implements ConsoleLineListener {
  private pending?: { full: string; size: number; cls: string; index: number };
  private readonly deferred: Deferred[] = [];
  /** Console file lines so far that the log's nameLines also hold (NAME_LINE). */
  private nameLinesSeen = 0;
  private index = -1;

  constructor(private readonly chunk: Chunk, private readonly report: Report) {}

  onFile(cls: string, size: number, full: string): void {
    this.release();
    this.index = NAME_LINE.test(full) ? this.nameLinesSeen++ : -1;
    const c = cls.toLowerCase();
    if (c.startsWith('*')) {
      if (c.includes('mismatch')) {
        this.send(full, this.index, (f) => this.report.onFileAction?.({ action: 'fail', relPath: relativeTo(this.chunk.sourcePath, f) ?? f, error: 'EISDIR: a directory and a file have the same name (robocopy *Mismatch)' }));
        return;
      }
      // Extras are only listed without a mirror; with one, robocopy deletes them.
      if (!this.report.mirror || relativeTo(this.chunk.destinationPath, full) === undefined) return;
      const isDir = size < 0 || /[\\/]$/.test(full);
      this.send(full, this.index, (f) => {
        const rel = relativeTo(this.chunk.destinationPath, f) ?? f;
        this.report.onDeletion?.({ relPath: rel.replace(/[\\/]+$/, ''), isDir, entries: 1 });
      });
      return;
    }
    if (NOT_COPIED.has(c) || /[\\/]$/.test(full)) return;
    this.pending = { full, size, cls: c, index: this.index };
  }

  onError(): void {
    this.pending = undefined; // its failure is reported from the log, with the message
  }

  /**
   * The job ended: the last file counts unless the job was killed in it; the held events get
   * their exact names from the log's file lines of the same position (checked against the
   * console's name, else looked for further on; none found: the console's name); then the log's
   * failures.
   */
  finish(killed: boolean, errors: readonly RobocopyLogError[], nameLines: readonly { path: string }[] = []): void {
    if (killed) this.pending = undefined;
    this.release();
    let at = 0;
    for (const d of this.deferred) {
      const re = lossyPattern(d.full);
      let found: string | undefined;
      if (d.index >= at && d.index < nameLines.length && re.test(nameLines[d.index].path)) {
        found = nameLines[d.index].path;
        at = d.index + 1;
      }
      for (let i = at; found === undefined && i < nameLines.length; i++) {
        if (re.test(nameLines[i].path)) { found = nameLines[i].path; at = i + 1; }
      }
      this.call(() => d.emit(found ?? d.full));
    }
    this.deferred.length = 0;
    for (const e of errors) {
      const rel = relativeTo(this.chunk.sourcePath, e.path) ?? relativeTo(this.chunk.destinationPath, e.path) ?? e.path;
      this.call(() => this.report.onFileAction?.({ action: 'fail', relPath: rel.replace(/[\\/]+$/, '') || e.path, error: `${e.code}: ${e.message || e.action}` }));
    }
  }

  private release(): void {
    const p = this.pending;
    this.pending = undefined;
    if (!p) return;
    this.send(p.full, p.index, (f) => this.report.onFileAction?.({ action: NEW.has(p.cls) ? 'new' : UPDATE.has(p.cls) ? 'update' : 'copy', relPath: relativeTo(this.chunk.sourcePath, f) ?? f, size: p.size }));
  }

  /** Reports now, or at the end when the console may have mangled the name (and room is left). */
  private send(full: string, index: number, emit: (full: string) => void): void {
    if (LOSSY.test(full) && this.deferred.length < MAX_DEFERRED) { this.deferred.push({ full, index, emit }); return; }
    this.call(() => emit(full));
  }

  /** A listener that throws must not break the console reader. */
  private call(f: () => void): void {
    try { f(); } catch { /* reported by whoever listens; the copy goes on */ }
  }
}
