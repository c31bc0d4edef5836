import type { Chunk, CopyOptions } from '../../api';
import type { ParsedRobocopyLog, RobocopyFileLine } from './log/types';

/** English classes robocopy prints; a log in another language gives `copy` (new or update unknown). */
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

/**
 * Reports what a finished robocopy job did per file, from its log's file lines: copies (new,
 * update, or `copy` in another language), failures (a file line followed by an ERROR block, or
 * an ERROR block alone), type mismatches, and, for a mirror, the extras it deleted (or in a dry
 * run would delete) through `onDeletion`, like the other engines report them as they go.
 */
export function reportLogFiles(chunk: Chunk, log: Pick<ParsedRobocopyLog, 'files' | 'errors'>, options: Pick<CopyOptions, 'mirror' | 'onFileAction' | 'onDeletion'>): void {
  const failed = new Map(log.errors.map((e) => [e.path, e]));
  const reported = new Set<string>();
  const file = (f: RobocopyFileLine): void => {
    const cls = f.cls.toLowerCase();
    if (cls.startsWith('*')) {
      if (cls.includes('mismatch')) {
        const rel = relativeTo(chunk.sourcePath, f.path) ?? f.path;
        options.onFileAction?.({ action: 'fail', relPath: rel, size: f.size >= 0 ? f.size : undefined, error: 'EISDIR: a directory and a file of the same name (robocopy *Mismatch)' });
        return;
      }
      const rel = relativeTo(chunk.destinationPath, f.path);
      if (!options.mirror || rel === undefined) return; // extras are only listed without a mirror
      const isDir = f.size < 0 || /[\\/]$/.test(f.path);
      options.onDeletion?.({ relPath: rel.replace(/\/+$/, ''), isDir, entries: 1 });
      return;
    }
    if (NOT_COPIED.has(cls)) return;
    const rel = relativeTo(chunk.sourcePath, f.path) ?? f.path;
    const err = failed.get(f.path);
    if (err) {
      reported.add(f.path);
      options.onFileAction?.({ action: 'fail', relPath: rel, size: f.size, error: `${err.code}: ${err.message || err.action}` });
      return;
    }
    options.onFileAction?.({ action: NEW.has(cls) ? 'new' : UPDATE.has(cls) ? 'update' : 'copy', relPath: rel, size: f.size });
  };
  for (const f of log.files) file(f);
  for (const e of log.errors) {
    if (reported.has(e.path)) continue;
    const rel = relativeTo(chunk.sourcePath, e.path) ?? relativeTo(chunk.destinationPath, e.path) ?? e.path;
    options.onFileAction?.({ action: 'fail', relPath: rel.replace(/\/+$/, '') || e.path, error: `${e.code}: ${e.message || e.action}` });
  }
}
