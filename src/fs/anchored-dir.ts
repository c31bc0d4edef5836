import { constants as C, existsSync, promises as fsp, type BigIntStats } from 'node:fs';
import { decodeName, fsPath } from './byte-names';
import { setTimesFd, setTimesPath, type ExactTimes } from './file-times';

/**
 * On Linux an open directory is reachable as /proc/self/fd/N: a path through it resolves to the
 * directory that was opened, whatever has been renamed or swapped for a symlink on the way there
 * since — the openat() semantics Node does not expose. Elsewhere (macOS, Windows) handles are
 * plain paths, checked with lstat just before use: a swap in that short window is not caught.
 */
const ANCHORED = process.platform === 'linux' && existsSync('/proc/self/fd');
const O_DIRECTORY = C.O_DIRECTORY ?? 0;
const O_NOFOLLOW = C.O_NOFOLLOW ?? 0;

/** One entry of a listing; `name` surrogate-escaped where it is not UTF-8 (src/fs/byte-names). */
export interface AnchoredEntry { name: string; isDirectory: boolean; isSymbolicLink: boolean }

function fsError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/**
 * A directory opened without following symlinks, and operations on its entries that never follow
 * one either: listing, lstat, removal (recursive: a symlink inside is unlinked, never entered),
 * setting the directory's own times. For passes that write to a destination tree in which
 * anything may be a link planted by an earlier copy: nothing done through an AnchoredDir reaches
 * a link's target. Close every handle (an open file descriptor on Linux).
 */
export class AnchoredDir {
  private constructor(
    /** Path prefix for entries: /proc/self/fd/N, or the directory's own path. */
    private readonly base: string,
    private readonly fh: fsp.FileHandle | undefined,
  ) {}

  /**
   * Opens `path` itself following symlinks (a root the user configured may be a link to a mount),
   * as the start of a walk whose every further step refuses them.
   */
  static async openRoot(path: string): Promise<AnchoredDir> {
    if (ANCHORED) {
      const fh = await fsp.open(fsPath(path), C.O_RDONLY | O_DIRECTORY);
      return new AnchoredDir(`/proc/self/fd/${fh.fd}`, fh);
    }
    if (!(await fsp.stat(fsPath(path))).isDirectory()) throw fsError('ENOTDIR', `not a directory, open '${path}'`);
    return new AnchoredDir(path, undefined);
  }

  private entry(name: string): string | Buffer {
    return fsPath(`${this.base}/${name}`);
  }

  /** The subdirectory `name`; ELOOP when it is a symlink, ENOTDIR when it is anything else. */
  async openChild(name: string): Promise<AnchoredDir> {
    if (ANCHORED) {
      try {
        const fh = await fsp.open(this.entry(name), C.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        return new AnchoredDir(`/proc/self/fd/${fh.fd}`, fh);
      } catch (e) {
        // Linux reports a symlink opened with O_DIRECTORY|O_NOFOLLOW as ENOTDIR: tell them apart.
        if ((e as NodeJS.ErrnoException).code === 'ENOTDIR' && (await this.lstat(name).catch(() => undefined))?.isSymbolicLink()) {
          throw fsError('ELOOP', `'${name}' is a symbolic link`);
        }
        throw e;
      }
    }
    const st = await this.lstat(name);
    if (st.isSymbolicLink()) throw fsError('ELOOP', `'${name}' is a symbolic link`);
    if (!st.isDirectory()) throw fsError('ENOTDIR', `'${name}' is not a directory`);
    return new AnchoredDir(`${this.base}/${name}`, undefined);
  }

  /** The entries, names read as bytes. */
  async list(): Promise<AnchoredEntry[]> {
    const ents = await fsp.readdir(fsPath(this.base), { withFileTypes: true, encoding: 'buffer' });
    return ents.map((d) => ({ name: decodeName(d.name), isDirectory: d.isDirectory(), isSymbolicLink: d.isSymbolicLink() }));
  }

  lstat(name: string): Promise<BigIntStats> {
    return fsp.lstat(this.entry(name), { bigint: true });
  }

  /** The directory's own status (of the directory opened, not of whatever its path names now). */
  async stat(): Promise<BigIntStats> {
    return this.fh ? this.fh.stat({ bigint: true }) : fsp.lstat(fsPath(this.base), { bigint: true });
  }

  /**
   * Removes the entry `name` and, for a directory, everything in it. A symlink is unlinked
   * (never followed), also one swapped in for a directory while the removal runs.
   */
  async remove(name: string): Promise<void> {
    const st = await this.lstat(name);
    if (!st.isDirectory()) { await fsp.unlink(this.entry(name)); return; }
    let sub: AnchoredDir;
    try {
      sub = await this.openChild(name);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' || code === 'ENOTDIR') { await fsp.unlink(this.entry(name)); return; }
      throw e;
    }
    try {
      for (const e of await sub.list()) await sub.remove(e.name);
    } finally {
      await sub.close();
    }
    await fsp.rmdir(this.entry(name));
  }

  /** Where calls on the directory itself go: its descriptor, or (no /proc) its path, checked when opened. */
  target(): { fd: number } | { path: string | Buffer } {
    return this.fh ? { fd: this.fh.fd } : { path: fsPath(this.base) };
  }

  /**
   * Sets the directory's own times (never a link's target), to the nanosecond where the
   * file-system helper is built; the access time too unless `withAtime` is false.
   */
  async setTimes(times: ExactTimes, withAtime = true): Promise<void> {
    if (this.fh) { setTimesFd(this.fh.fd, times, withAtime); return; }
    const st = await fsp.lstat(fsPath(this.base));
    if (!st.isDirectory()) throw fsError('ENOTDIR', `'${this.base}' is no longer a directory`);
    setTimesPath(fsPath(this.base), times, withAtime);
  }

  async close(): Promise<void> {
    await this.fh?.close();
  }
}
