import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsPath } from './byte-names';

/**
 * `mkdir -p` without the endless retry of Node's `{ recursive: true }`. Node reads ENOENT as "a
 * parent is missing", makes the parent and tries again; where the parent exists and the file
 * system still answers ENOENT (procfs: any path under /proc), it loops forever at 100 % CPU, in
 * mkdirSync and in the promise alike, and a logDir, stateDir or destination typed under /proc hung
 * robocurse for good. Here each directory is tried at most twice: once, and once more after its
 * parent was made; a second ENOENT is the answer. Like Node's, it returns the first directory it
 * made (the topmost), or undefined when `dir` existed, and follows links in the path. Paths are
 * robocurse's strings (names that are not UTF-8 carry escapes: byte-names.ts), bytes to the kernel.
 */
export function makeDirsSync(dir: string, mode?: number): string | undefined {
  const abs = path.resolve(dir);
  try {
    fs.mkdirSync(fsPath(abs), mode);
    return abs;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && isDirectory(abs)) return undefined;
    const parent = path.dirname(abs);
    if (code !== 'ENOENT' || parent === abs) throw err;
    const first = makeDirsSync(parent, mode);
    try {
      fs.mkdirSync(fsPath(abs), mode);
    } catch (again) {
      // Made meanwhile by someone else: as good as made here.
      if ((again as NodeJS.ErrnoException).code === 'EEXIST' && isDirectory(abs)) return first;
      throw again;
    }
    return first ?? abs;
  }
}

/** makeDirsSync's asynchronous twin (the same steps through the thread pool). */
export async function makeDirs(dir: string, mode?: number): Promise<string | undefined> {
  const abs = path.resolve(dir);
  try {
    await fs.promises.mkdir(fsPath(abs), mode);
    return abs;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && await isDirectoryAsync(abs)) return undefined;
    const parent = path.dirname(abs);
    if (code !== 'ENOENT' || parent === abs) throw err;
    const first = await makeDirs(parent, mode);
    try {
      await fs.promises.mkdir(fsPath(abs), mode);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'EEXIST' && await isDirectoryAsync(abs)) return first;
      throw again;
    }
    return first ?? abs;
  }
}

function isDirectory(p: string): boolean {
  try { return fs.statSync(fsPath(p)).isDirectory(); } catch { return false; }
}

async function isDirectoryAsync(p: string): Promise<boolean> {
  return fs.promises.stat(fsPath(p)).then((st) => st.isDirectory(), () => false);
}
