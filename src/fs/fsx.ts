import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../paths';

/**
 * robocurse's file-system helper (native/fsx.c, built by node-gyp at install): the POSIX calls a
 * replica needs that Node does not expose. Every path call is the l- variant (never follows a
 * link in the last component); paths are strings or Buffers (byte-names.ts). Errors carry
 * `code` (ENOTSUP, EPERM, ...) like Node's fs errors.
 */
export interface FsxBinding {
  /** utimensat(…, AT_SYMLINK_NOFOLLOW); a negative nsec leaves that time as it is. */
  utimens(p: string | Buffer, aSec: number, aNsec: number, mSec: number, mNsec: number): void;
  futimens(fd: number, aSec: number, aNsec: number, mSec: number, mNsec: number): void;
  /**
   * The times of the open file `srcFd` given to `p` (never through a link; atime only when asked),
   * only while its mtime still is `mtimeMs` (Node's value from a stat before the copy): false, and
   * nothing set, when the file changed meanwhile.
   */
  utimensFrom(srcFd: number, p: string | Buffer, withAtime: boolean, mtimeMs: number): boolean;
  /** lseek SEEK_DATA / SEEK_HOLE; -1 when there is no data (no hole) at or after `offset`. */
  seekData(fd: number, offset: number): number;
  seekHole(fd: number, offset: number): number;
  mknod(p: string | Buffer, mode: number, dev: number): void;
  /** fchmodat(…, AT_SYMLINK_NOFOLLOW): ENOTSUP when `p` is a link (its target is never touched). */
  lchmod(p: string | Buffer, mode: number): void;
  /** The attribute names, NUL-terminated, in one Buffer. */
  llistxattr(p: string | Buffer): Buffer;
  flistxattr(fd: number): Buffer;
  /** The value, or null when the file has no such attribute. */
  lgetxattr(p: string | Buffer, name: string): Buffer | null;
  fgetxattr(fd: number, name: string): Buffer | null;
  lsetxattr(p: string | Buffer, name: string, value: Buffer): void;
  fsetxattr(fd: number, name: string, value: Buffer): void;
  lremovexattr(p: string | Buffer, name: string): void;
  fremovexattr(fd: number, name: string): void;
  /**
   * (Linux) A new file `dstPath` (O_EXCL, never through a link) holding the open `srcFd`'s bytes
   * (clone, copy_file_range, sendfile or read/write, as `flags` allow and the file systems can),
   * with `mode` and the source's times as utimensFrom gives them without withAtime (the old mtime when the source
   * changed since the stat whose mtimeMs is given), all on the new file's descriptor; with
   * `dstDirFd`, `dstPath` is a name in that open directory. Returns COPY_RESULT bits. Optional: a
   * helper built before it lacks it, and copyFileSync is used.
   */
  copyFileFd?(srcFd: number, dstPath: string | Buffer, mode: number, flags: number, mtimeMs: number, dstDirFd?: number): number;
  /**
   * (Linux) A new file's whole copy in one call, the full copy's hot path: `name` opened in
   * `srcDirFd` without following a link (ELOOP answers COPY_NEW.notFile) and checked on its
   * descriptor, copied into `tmpName` in `dstDirFd` as copyFileFd does (its mode, its times), then
   * renamed to `dstName`; a partial or unplaced copy is removed. Only the plain case: a file larger
   * than `maxBytes`, a name of a hard-linked inode or a sparse file (as `keep` asks) answers
   * COPY_NEW.handBack; one that needs more than this call gives (another owner than `uid`:`gid`
   * when owners are kept, any extended attribute or ACL when they are kept, modes not kept, atimes,
   * reflink "never") answers COPY_NEW.general, untouched. Else `size * 32 + COPY_RESULT bits`.
   * With COPY_FLAG.tryTmpfile the copy is an unnamed file (O_TMPFILE) linked into place once whole
   * (no temp name to rename; tmpfileUnusable when the file system or kernel cannot, and the temp
   * name is used). Optional, as copyFileFd.
   */
  copyNew?(srcDirFd: number, name: string | Buffer, dstDirFd: number, tmpName: string | Buffer, dstName: string | Buffer, flags: number, maxBytes: number, keep: number, uid: number, gid: number): number;
  /** renameat. Optional, as copyFileFd. */
  renameAt?(fromDirFd: number, from: string | Buffer, toDirFd: number, to: string | Buffer): void;
  /**
   * readdir + fstatat(AT_SYMLINK_NOFOLLOW) of every entry (list-stat.ts reads the result). Optional:
   * a helper built before it has every other call, and list-stat.ts falls back to Node's calls.
   */
  listStat?(dir: string | Buffer, rel?: Buffer, fields?: number, noFollow?: boolean): [Buffer, Float64Array, Buffer?, Float64Array?];
  /**
   * (Linux, native/spawn-pipes.c) `file` started with posix_spawn: stdin /dev/null, stdout and
   * stderr pipes (their read ends returned), a process group of its own, every signal at its
   * default. `onExit` gets the exit status or the number of the signal that ended it, once.
   * Optional: src/process/pipes-child.ts falls back to node:child_process without it.
   */
  spawnPipes?(file: string, argv: string[], env: string[], onExit: (code: number | null, signal: number | null) => void): [pid: number, stdoutFd: number, stderrFd: number];
  /**
   * (Linux) A short probe run to its end with posix_spawn (stdio /dev/null, this process's
   * environment), SIGKILLed past `timeoutMs`: its exit status, or minus the signal that ended it.
   * Throws (ENOENT, EACCES) when it cannot be run. Optional, as spawnPipes.
   */
  spawnWait?(file: string, argv: string[], timeoutMs: number): number;
}

function load(): { binding?: FsxBinding; problem?: string } {
  // A diagnostic switch: runs as if the helper had not been built (the limits it lifts).
  if (process.env.ROBOCURSE_FSX === 'off') return { problem: 'disabled by ROBOCURSE_FSX=off' };
  if (process.platform === 'win32') return { problem: 'not used on Windows' };
  const file = path.join(packageRoot(), 'native', 'build', 'Release', 'robocurse_fsx.node');
  if (!fs.existsSync(file)) return { problem: `not built (${file} is missing: run "node scripts/build-native.js")` };
  let binding: FsxBinding;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    binding = require(file) as FsxBinding;
  } catch (err) {
    return { problem: `cannot be loaded: ${(err as Error).message}` };
  }
  // A helper built from an older native/fsx.c would fail mid-copy on the call it lacks: refuse it
  // whole, so the engine takes its documented fallbacks instead.
  const missing = FSX_CALLS.filter((name) => typeof binding[name] !== 'function');
  if (missing.length > 0) return { problem: `out of date (${file} lacks ${missing.join(', ')}: run "node scripts/build-native.js")` };
  return { binding };
}

/** Every call of FsxBinding, checked when the helper is loaded. */
const FSX_CALLS: ReadonlyArray<keyof FsxBinding> = [
  'utimens', 'futimens', 'utimensFrom', 'seekData', 'seekHole', 'mknod', 'lchmod', 'llistxattr', 'flistxattr',
  'lgetxattr', 'fgetxattr', 'lsetxattr', 'fsetxattr', 'lremovexattr', 'fremovexattr',
];

/** copyFileFd's flags (the numbers of native/fsx.c). */
export const COPY_FLAG = { tryClone: 1, tryRange: 2, tryTmpfile: 4 } as const;
/** copyFileFd's result bits. */
export const COPY_RESULT = { cloned: 1, rangeUnusable: 2, sourceChanged: 4, cloneUnusable: 8, tmpfileUnusable: 16 } as const;
/** copyNew's answers other than a copy (native/fsx.c COPY_NEW_*). */
export const COPY_NEW = { notFile: -1, handBack: -2, general: -3 } as const;

const loaded = load();

/** The helper, when it is built and loads on this host (loaded once per thread, never changes). */
export const fsx: FsxBinding | undefined = loaded.binding;

/** Why there is no helper (undefined when there is one), for the log and `validate`. */
export const fsxProblem: string | undefined = loaded.problem;
