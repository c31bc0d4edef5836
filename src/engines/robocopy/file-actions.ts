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

/**
 * What a robocopy job did per file, from its console output as it streams (memory stays flat
 * however big the chunk): a file line is a copy (new, update, or `copy` in another language) once
 * the next line shows it was not followed by an ERROR block; extras are deletions under a mirror
 * (reported through `onDeletion`, as the other engines do); `*Mismatch` is a failure. The
 * failures themselves come from the job's log at the end (finish), with robocopy's message.
 * Names are as the console printed them: on Windows, characters its code page cannot show read
 * '?', while the /UNILOG chunk log has them exactly.
 */
export class RobocopyFileReporter implements ConsoleLineListener {
  private pending?: { rel: string; size: number; cls: string };

  constructor(private readonly chunk: Chunk, private readonly report: Report) {}

  onFile(cls: string, size: number, full: string): void {
    this.release();
    const c = cls.toLowerCase();
    if (c.startsWith('*')) {
      if (c.includes('mismatch')) {
        this.call(() => this.report.onFileAction?.({ action: 'fail', relPath: relativeTo(this.chunk.sourcePath, full) ?? full, error: 'EISDIR: a directory and a file have the same name (robocopy *Mismatch)' }));
        return;
      }
      const rel = relativeTo(this.chunk.destinationPath, full);
      // Extras are only listed without a mirror; with one, robocopy deletes them.
      if (!this.report.mirror || rel === undefined) return;
      const isDir = size < 0 || /[\\/]$/.test(full);
      this.call(() => this.report.onDeletion?.({ relPath: rel.replace(/\/+$/, ''), isDir, entries: 1 }));
      return;
    }
    if (NOT_COPIED.has(c) || /[\\/]$/.test(full)) return;
    this.pending = { rel: relativeTo(this.chunk.sourcePath, full) ?? full, size, cls: c };
  }

  onError(): void {
    this.pending = undefined; // its failure is reported from the log, with the message
  }

  /** The job ended: the last file counts unless the job was killed in it; then the log's failures. */
  finish(killed: boolean, errors: readonly RobocopyLogError[]): void {
    if (killed) this.pending = undefined;
    this.release();
    for (const e of errors) {
      const rel = relativeTo(this.chunk.sourcePath, e.path) ?? relativeTo(this.chunk.destinationPath, e.path) ?? e.path;
      this.call(() => this.report.onFileAction?.({ action: 'fail', relPath: rel.replace(/\/+$/, '') || e.path, error: `${e.code}: ${e.message || e.action}` }));
    }
  }

  private release(): void {
    const p = this.pending;
    this.pending = undefined;
    if (!p) return;
    this.call(() => this.report.onFileAction?.({ action: NEW.has(p.cls) ? 'new' : UPDATE.has(p.cls) ? 'update' : 'copy', relPath: p.rel, size: p.size }));
  }

  /** A listener that throws must not break the console reader. */
  private call(f: () => void): void {
    try { f(); } catch { /* reported by whoever listens; the copy goes on */ }
  }
}
