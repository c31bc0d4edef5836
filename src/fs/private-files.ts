import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertTrustedPath } from './path-trust';
import { makeDirsSync } from './make-dirs';

/** Mode of every file robocurse creates for itself (state, logs, events). */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode of every directory robocurse creates for itself. */
export const PRIVATE_DIR_MODE = 0o700;

// O_NOFOLLOW does not exist on Windows (fs.constants lacks it): there it is 0 and links are
// the directory ACL's business.
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/**
 * Creates `dir` (and missing parents) with mode 0700 whatever the umask. Directories that already
 * exist keep their mode: a stateDir pointed at an existing folder is the admin's to set, and
 * checkPrivateDir refuses it if others can write it.
 */
export function mkdirPrivate(dir: string): void {
  const first = makeDirsSync(dir, PRIVATE_DIR_MODE);
  if (first === undefined) return;
  // mkdir's mode is filtered by the umask; every directory this call created gets exactly 0700.
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    if (process.platform !== 'win32') fs.chmodSync(p, PRIVATE_DIR_MODE);
    if (p === path.resolve(first) || path.dirname(p) === p) break;
  }
}

/** Creates `dir` privately when missing, then refuses it when others could change it. */
export function ensurePrivateDir(dir: string, what: string): void {
  mkdirPrivate(dir);
  assertTrustedPath(dir, what);
}

/**
 * Opens `file` for appending, creating it with mode 0600. Refuses a symbolic link at `file`
 * (ELOOP) so a link planted there cannot redirect the writes to another file. An existing file
 * of ours that others may read (made by an older version) is narrowed to 0600.
 */
export function openPrivateAppend(file: string): number {
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | NOFOLLOW, PRIVATE_FILE_MODE);
  try {
    tightenMode(fd);
    return fd;
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/** Creates an empty private file (0600) when none exists; never follows a link at `file`. */
export function createPrivateFile(file: string): void {
  fs.closeSync(openPrivateAppend(file));
}

/**
 * fchmod to 0600 when the file is ours and more open than that; the umask decides the mode an
 * open() creates, so this is what makes the mode explicit.
 */
function tightenMode(fd: number): void {
  if (process.platform === 'win32') return;
  const st = fs.fstatSync(fd);
  if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EINVAL' });
  if ((st.mode & 0o777) !== PRIVATE_FILE_MODE && st.uid === process.geteuid?.()) fs.fchmodSync(fd, PRIVATE_FILE_MODE);
}

/** Narrows an existing file of ours to 0600 (no-op when missing or owned by someone else). */
export function tightenFileMode(file: string): void {
  if (process.platform === 'win32') return;
  let st: fs.Stats;
  try { st = fs.lstatSync(file); } catch { return; }
  if (st.isFile() && (st.mode & 0o777) !== PRIVATE_FILE_MODE && st.uid === process.geteuid?.()) fs.chmodSync(file, PRIVATE_FILE_MODE);
}
