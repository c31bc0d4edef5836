import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { displayName, encodeName, fsPath, hasEscapedBytes } from './byte-names';

/**
 * How work inside a checked directory reaches its names.
 *
 * - `proc` (Linux): the directory is opened with O_DIRECTORY|O_NOFOLLOW, its identity is checked
 *   on the descriptor, and every name inside it is reached as `/proc/self/fd/<fd>/<name>`. The
 *   kernel resolves that prefix to the open directory itself (like openat), so swapping the
 *   directory or any of its parents for a link after the check changes nothing.
 * - `path` (macOS, Windows, Linux without /proc): the directory is checked with lstat and names
 *   are reached by path. A swap between the check and the use is not caught (docs/safety.md).
 */
export type DirMode = 'proc' | 'path';

/** A directory as the job first saw it: where it is, and which inode it was. */
export interface DirRef {
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
  /**
   * A root the admin configured, which may itself be a link (/data -> /mnt/disk1): reopened
   * following it, and still checked to be the same directory.
   */
  readonly follow?: boolean;
}

/** A checked directory, ready for work inside it; `fd` is open in `proc` mode only. */
export interface OpenDir {
  readonly ref: DirRef;
  readonly fd: number | undefined;
  /** What the check saw (fstat of the descriptor, or lstat in `path` mode): mode and times. */
  readonly st: fs.Stats;
  /** The directory itself, as a path (through /proc in `proc` mode). */
  readonly self: string;
  /** `self` plus a separator: prefix + name reaches a name inside it. */
  readonly prefix: string;
  /** The prefix carries escaped bytes (only a `path`-mode path can). */
  readonly prefixEscaped: boolean;
}

const fsc = fs.constants;
const O_NOFOLLOW = fsc.O_NOFOLLOW ?? 0;
/** A directory, never through a link in its last component. */
export const DIR_FLAGS = fsc.O_RDONLY | (fsc.O_DIRECTORY ?? 0) | O_NOFOLLOW;
/**
 * A file to read, never through a link. O_NONBLOCK: a FIFO swapped in after the listing must
 * not block the open forever (regular files ignore the flag).
 */
export const FILE_READ_FLAGS = fsc.O_RDONLY | O_NOFOLLOW | (fsc.O_NONBLOCK ?? 0);
/** A new file (temp copy): fails if anything, a link included, already has the name. */
export const FILE_CREATE_FLAGS = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | O_NOFOLLOW;

const openAsync = promisify(fs.open);
const closeAsync = promisify(fs.close);
const fstatAsync = promisify(fs.fstat);

/** The path of `name` inside `dir`, as fs wants it (Buffer when it carries raw bytes). */
export function at(dir: OpenDir, name: string): string | Buffer {
  // Called several times per file: test the short name, not the whole path.
  return dir.prefixEscaped || hasEscapedBytes(name) ? encodeName(dir.prefix + name) : dir.prefix + name;
}

/** The path of `name` inside `dir` for humans: the real path, not the /proc one. */
export function shownPath(dir: OpenDir | DirRef, name?: string): string {
  const p = 'ref' in dir ? dir.ref.path : dir.path;
  return displayName(name === undefined ? p : path.join(p, name));
}

export function refOf(p: string, st: { dev: number; ino: number }, follow = false): DirRef {
  return follow ? { path: p, dev: st.dev, ino: st.ino, follow } : { path: p, dev: st.dev, ino: st.ino };
}

/**
 * The path of `name` (one entry of a listing: no separator, never `.` or `..`) inside the
 * directory at `dir`. A plain concatenation: path.join normalises the whole path again, a cost
 * that showed per directory in the profile of a million-file re-run.
 */
export function childPath(dir: string, name: string): string {
  return dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
}

/** An error with a Node-style code, so the tally and the logs treat it like an fs error. */
export function fsError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** The directory at `p` is no longer the one the job checked (moved, replaced, or a link now). */
export function changedError(p: string): NodeJS.ErrnoException {
  return fsError('ECHANGED', `${displayName(p)} changed during the copy (replaced, moved or swapped for a link): not used`);
}

function checkIdentity(st: fs.Stats, ref: DirRef): void {
  if (!st.isDirectory() || st.dev !== ref.dev || st.ino !== ref.ino) throw changedError(ref.path);
}

/**
 * The mode this host supports: `proc` when /proc/self/fd/<fd> of an open directory reaches
 * that directory, else `path`. Probed once at load: the answer cannot change while we run.
 */
function probeDirMode(): DirMode {
  if (process.platform !== 'linux') return 'path';
  let fd: number | undefined;
  try {
    fd = fs.openSync(os.tmpdir(), DIR_FLAGS);
    const a = fs.fstatSync(fd);
    const b = fs.statSync(`/proc/self/fd/${fd}/.`);
    return a.dev === b.dev && a.ino === b.ino ? 'proc' : 'path';
  } catch {
    return 'path';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export const HOST_DIR_MODE: DirMode = probeDirMode();

const ROOT_FLAGS = fsc.O_RDONLY | (fsc.O_DIRECTORY ?? 0);

function flagsFor(ref: DirRef): number {
  return ref.follow ? ROOT_FLAGS : DIR_FLAGS;
}

function opened(ref: DirRef, fd: number | undefined, st: fs.Stats): OpenDir {
  const self = fd === undefined ? ref.path : `/proc/self/fd/${fd}`;
  const prefix = self.endsWith(path.sep) ? self : self + path.sep;
  return { ref, fd, st, self, prefix, prefixEscaped: hasEscapedBytes(prefix) };
}

/**
 * Opens the directory `ref` names, checking it is still that directory (same device and inode,
 * not a link). Throws ECHANGED when it is not, or the fs error (ENOENT, EACCES, ...).
 */
export async function openDir(ref: DirRef, mode: DirMode): Promise<OpenDir> {
  if (mode === 'path') {
    const st = await (ref.follow ? fs.promises.stat : fs.promises.lstat)(fsPath(ref.path));
    checkIdentity(st, ref);
    return opened(ref, undefined, st);
  }
  const fd = await openAsync(fsPath(ref.path), flagsFor(ref)).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'ENOTDIR' || err.code === 'ELOOP' ? changedError(ref.path) : err;
  });
  try {
    const st = await fstatAsync(fd);
    checkIdentity(st, ref);
    return opened(ref, fd, st);
  } catch (err) {
    await closeAsync(fd);
    throw err;
  }
}

/** openDir with synchronous calls: the copy threads' (one round trip per batch), and withDirSync's. */
export function openDirSync(ref: DirRef, mode: DirMode): OpenDir {
  if (mode === 'path') {
    const st = (ref.follow ? fs.statSync : fs.lstatSync)(fsPath(ref.path));
    checkIdentity(st, ref);
    return opened(ref, undefined, st);
  }
  let fd: number;
  try {
    fd = fs.openSync(fsPath(ref.path), flagsFor(ref));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw code === 'ENOTDIR' || code === 'ELOOP' ? changedError(ref.path) : err;
  }
  try {
    const st = fs.fstatSync(fd);
    checkIdentity(st, ref);
    return opened(ref, fd, st);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/**
 * Opens `name` inside the open directory `parent` as a directory, without following a link,
 * and returns it with its identity. Throws ENOTDIR/ELOOP-style errors from the open; callers
 * lstat to tell a link from a file when they need to say which.
 */
export async function openChildDir(parent: OpenDir, name: string, mode: DirMode): Promise<OpenDir> {
  const p = childPath(parent.ref.path, name);
  if (mode === 'path') {
    const st = await fs.promises.lstat(at(parent, name));
    if (!st.isDirectory()) throw fsError(st.isSymbolicLink() ? 'ELOOP' : 'ENOTDIR', `${displayName(p)} is not a directory`);
    return opened(refOf(p, st), undefined, st);
  }
  const fd = await openAsync(at(parent, name), DIR_FLAGS);
  try {
    const st = await fstatAsync(fd);
    return opened(refOf(p, st), fd, st);
  } catch (err) {
    await closeAsync(fd);
    throw err;
  }
}

/** openChildDir for worker threads (synchronous fs: one thread round trip per directory). */
export function openChildDirSync(parent: OpenDir, name: string, mode: DirMode): OpenDir {
  const p = childPath(parent.ref.path, name);
  if (mode === 'path') {
    const st = fs.lstatSync(at(parent, name));
    if (!st.isDirectory()) throw fsError(st.isSymbolicLink() ? 'ELOOP' : 'ENOTDIR', `${displayName(p)} is not a directory`);
    return opened(refOf(p, st), undefined, st);
  }
  const fd = fs.openSync(at(parent, name), DIR_FLAGS);
  try {
    const st = fs.fstatSync(fd);
    return opened(refOf(p, st), fd, st);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** Opens the directory at an absolute path the admin chose (a link there is followed on purpose). */
export async function openRootDir(p: string, mode: DirMode): Promise<OpenDir> {
  if (mode === 'path') {
    const st = await fs.promises.stat(fsPath(p));
    if (!st.isDirectory()) throw fsError('ENOTDIR', `${displayName(p)} is not a directory`);
    return opened(refOf(p, st, true), undefined, st);
  }
  const fd = await openAsync(fsPath(p), ROOT_FLAGS);
  try {
    const st = await fstatAsync(fd);
    return opened(refOf(p, st, true), fd, st);
  } catch (err) {
    await closeAsync(fd);
    throw err;
  }
}

export async function closeDir(dir: OpenDir | undefined): Promise<void> {
  if (dir?.fd !== undefined) await closeAsync(dir.fd).catch(() => undefined);
}

export function closeDirSync(dir: OpenDir | undefined): void {
  if (dir?.fd === undefined) return;
  try { fs.closeSync(dir.fd); } catch { /* already closed: nothing to release */ }
}

/** withDir with synchronous calls: for work that is synchronous itself (a few calls on the descriptor). */
export function withDirSync<T>(ref: DirRef, mode: DirMode, work: (dir: OpenDir) => T): T {
  const dir = openDirSync(ref, mode);
  try {
    return work(dir);
  } finally {
    closeDirSync(dir);
  }
}

/** Runs `work` with `ref` opened and checked; closes it whatever happens. */
export async function withDir<T>(ref: DirRef, mode: DirMode, work: (dir: OpenDir) => Promise<T>): Promise<T> {
  const dir = await openDir(ref, mode);
  try {
    return await work(dir);
  } finally {
    await closeDir(dir);
  }
}
