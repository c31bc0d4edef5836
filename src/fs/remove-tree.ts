import { promises as fsp } from 'node:fs';
import { decodeName } from './byte-names';
import { at, changedError, closeDir, openChildDir, type DirMode, type OpenDir } from './dir-ref';

/** Entries unlinked at once within one directory (directories below go one at a time). */
const PARALLEL_UNLINKS = 32;

/**
 * Removes `name` from the open directory `dir`: a link, file or special file is unlinked (a link
 * is never followed, its target never touched); a directory is opened without following links,
 * emptied through its descriptor, then removed. A directory swapped for a link while it is being
 * emptied is caught (its identity is checked on open), so nothing outside `dir` is ever deleted.
 * Directories are entered one at a time: open descriptors stay bounded by the depth.
 */
export async function removeTree(dir: OpenDir, name: string, mode: DirMode): Promise<void> {
  const st = await fsp.lstat(at(dir, name));
  if (!st.isDirectory()) {
    await unlinkEntry(dir, name, mode);
    return;
  }
  const child = await openChildDir(dir, name, mode);
  try {
    if (child.st.dev !== st.dev || child.st.ino !== st.ino) throw changedError(child.ref.path);
    const entries = await fsp.readdir(child.self, { withFileTypes: true, encoding: 'buffer' });
    const dirs: string[] = [];
    const others: string[] = [];
    for (const e of entries) (e.isDirectory() ? dirs : others).push(decodeName(e.name));
    for (let i = 0; i < others.length; i += PARALLEL_UNLINKS) {
      await Promise.all(others.slice(i, i + PARALLEL_UNLINKS).map((n) => unlinkEntry(child, n, mode)));
    }
    for (const d of dirs) await removeTree(child, d, mode);
  } finally {
    await closeDir(child);
  }
  await fsp.rmdir(at(dir, name));
}

/** Unlinks a non-directory; one that turned into a directory since it was listed is removed as a tree. */
async function unlinkEntry(dir: OpenDir, name: string, mode: DirMode): Promise<void> {
  try {
    await fsp.unlink(at(dir, name));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    // Linux says EISDIR for a directory; Windows says EPERM, also for a directory link (rmdir).
    if (code !== 'EISDIR' && code !== 'EPERM') throw err;
    const st = await fsp.lstat(at(dir, name));
    if (st.isDirectory()) await removeTree(dir, name, mode);
    else if (process.platform === 'win32') await fsp.rmdir(at(dir, name));
    else throw err;
  }
}
