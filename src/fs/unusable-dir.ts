import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Why `dir` could not be created or written, in words an admin can act on. Node's recursive
 * mkdir reports ENOENT (not EROFS) on a read-only file system, so the nearest existing ancestor
 * is probed for write access instead of trusting the first error code.
 */
export function whyDirUnusable(dir: string, err: unknown): string {
  let probe = path.resolve(dir);
  while (!fs.existsSync(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
  try {
    if (!fs.statSync(probe).isDirectory()) return `${probe} is not a directory`;
    fs.accessSync(probe, fs.constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EROFS') return `${probe} is on a read-only file system`;
    if (code === 'EACCES' || code === 'EPERM') return `${probe} is not writable by ${userName()}`;
  }
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'EROFS') return `${probe} is on a read-only file system`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${userName()})`;
  return (err as Error)?.message ?? String(err);
}

function userName(): string {
  try { return `user ${os.userInfo().username}`; } catch { return `uid ${process.getuid?.() ?? '?'}`; }
}
