import { fsx, type FsxBinding } from './fsx';

/** Which extended attributes a copy keeps (preserve.xattrs and preserve.acls). */
export interface XattrChoice {
  xattrs: boolean;
  acls: boolean;
}

/** POSIX ACLs travel as these two attributes on Linux (getfacl/setfacl read and write them). */
export const ACL_ACCESS = 'system.posix_acl_access';
export const ACL_DEFAULT = 'system.posix_acl_default';

/**
 * Whether an attribute is the copy's to keep: the two ACL attributes under `acls`, every other
 * namespace (user., trusted., security.) under `xattrs`. Other system.* attributes (NFSv4 and rich
 * ACLs, a file system's own) are views the kernel computes, not data: never copied, as rsync -X.
 */
export function wanted(name: string, c: XattrChoice): boolean {
  if (name === ACL_ACCESS || name === ACL_DEFAULT) return c.acls;
  return c.xattrs && !name.startsWith('system.');
}

/** Splits a listxattr result (NUL-terminated names) into names. */
export function splitNames(list: Buffer): string[] {
  if (list.length === 0) return [];
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] !== 0) continue;
    if (i > start) out.push(list.toString('utf8', start, i));
    start = i + 1;
  }
  return out;
}

/** A file's attributes to keep, by name (small: read whole). */
export type Xattrs = Array<[name: string, value: Buffer]>;

/** Where an attribute call goes: an open descriptor, or a path never followed in its last component. */
export type XattrTarget = { fd: number } | { path: string | Buffer };

function list(b: FsxBinding, t: XattrTarget): string[] {
  return splitNames('fd' in t ? b.flistxattr(t.fd) : b.llistxattr(t.path));
}

/**
 * The attributes of `t` that `c` keeps; [] when the file has none (one listxattr call) or its
 * file system keeps none (a mount of FAT or exFAT inside the tree answers ENOTSUP).
 */
export function readXattrs(t: XattrTarget, c: XattrChoice, b: FsxBinding | undefined = fsx): Xattrs {
  if (!b) return [];
  const out: Xattrs = [];
  let names: string[];
  try {
    names = list(b, t);
  } catch (err) {
    if (isUnsupported(codeOf(err))) return [];
    throw err;
  }
  for (const name of names) {
    if (!wanted(name, c)) continue;
    const v = 'fd' in t ? b.fgetxattr(t.fd, name) : b.lgetxattr(t.path, name);
    if (v !== null) out.push([name, v]); // removed between the list and the read
  }
  return out;
}

/** An attribute that could not be set, and why (the errno code). */
export interface XattrFailure { name: string; code: string }

function codeOf(err: unknown): string {
  const c = (err as NodeJS.ErrnoException)?.code;
  return typeof c === 'string' ? c : 'UNKNOWN';
}

/**
 * Gives `t` exactly the attributes `attrs` among those `c` keeps: sets each one, and with `prune`
 * removes kept-kind attributes `t` has that the source has not (an ACL inherited from the
 * destination directory's default ACL, an attribute removed from the source since the last copy).
 * Returns what failed; ENOTSUP means the destination file system keeps no such attributes.
 */
export function writeXattrs(t: XattrTarget, attrs: Xattrs, c: XattrChoice, prune: boolean, b: FsxBinding | undefined = fsx): XattrFailure[] {
  const failed: XattrFailure[] = [];
  if (!b) return attrs.map(([name]) => ({ name, code: 'ENOSYS' }));
  if (prune) {
    const keep = new Set(attrs.map(([n]) => n));
    let names: string[] = [];
    try {
      names = list(b, t);
    } catch (err) {
      // A file system without attributes has nothing to remove: only what was to be set is lost.
      if (!isUnsupported(codeOf(err))) failed.push({ name: '(list)', code: codeOf(err) });
    }
    for (const name of names) {
      if (keep.has(name) || !wanted(name, c)) continue;
      try {
        if ('fd' in t) b.fremovexattr(t.fd, name); else b.lremovexattr(t.path, name);
      } catch (err) {
        failed.push({ name, code: codeOf(err) });
      }
    }
  }
  for (const [name, value] of attrs) {
    try {
      if ('fd' in t) b.fsetxattr(t.fd, name, value); else b.lsetxattr(t.path, name, value);
    } catch (err) {
      failed.push({ name, code: codeOf(err) });
    }
  }
  return failed;
}

/** Same attributes (names and values), in any order. */
export function sameXattrs(a: Xattrs, b: Xattrs): boolean {
  if (a.length !== b.length) return false;
  const m = new Map(a.map(([n, v]) => [n, v]));
  return b.every(([n, v]) => { const o = m.get(n); return o !== undefined && o.equals(v); });
}

/** True for errors that say the file system keeps no extended attributes at all. */
export function isUnsupported(code: string): boolean {
  return code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS';
}
