import * as fs from 'node:fs';
import { setTimesPath, type TimesSource } from '../../fs/file-times';
import { fsx } from '../../fs/fsx';
import { ACL_ACCESS, writeXattrs, type XattrFailure, type Xattrs } from '../../fs/xattrs';
import { KEEP, keepsXattrs, xattrChoice } from './keep-flags';

/** What of a source entry is given to its copy besides the data. */
export interface SourceMeta {
  uid: number;
  gid: number;
  /** Permission bits with setuid, setgid and sticky (mode & 0o7777). */
  perm: number;
  times: TimesSource;
}

/** From a bigint stat (times to the nanosecond). */
export function metaOf(st: fs.BigIntStats): SourceMeta {
  return { uid: Number(st.uid), gid: Number(st.gid), perm: Number(st.mode & 0o7777n), times: { atimeNs: st.atimeNs, mtimeNs: st.mtimeNs } };
}

/**
 * From the plain fstat of the open source `fd`, taken BEFORE its data is copied (the copy threads'
 * hot path): with the helper, and atimes not kept, the times are later read and set from the
 * descriptor in one call that refuses them if the mtime moved since `st` (no BigInt stat, no
 * BigInt arithmetic); otherwise one bigint fstat more gives them now.
 */
export function metaOfOpen(fd: number, st: fs.Stats, withAtime: boolean): SourceMeta {
  let times: TimesSource;
  if (fsx && !withAtime) times = { fromFd: fd, mtimeMs: st.mtimeMs };
  else {
    const b = fs.fstatSync(fd, { bigint: true });
    times = { atimeNs: b.atimeNs, mtimeNs: b.mtimeNs };
  }
  return { uid: st.uid, gid: st.gid, perm: st.mode & 0o7777, times };
}

/** How the entry at `p` came to be, which decides what still needs setting. */
export interface MetaPlan {
  kind: 'file' | 'link' | 'special';
  /** The mode is already the source's (copyFile sets it; mknod through a binary with -m). */
  modeSet: boolean;
  /** The source's attributes to give it (already filtered by what is kept). */
  xattrs: Xattrs;
  /** Remove kept-kind attributes the source has not (an ACL inherited from a default ACL). */
  prune: boolean;
  /** The process umask, for entries whose mode is not kept. */
  umask: number;
  /** Who owns the entry as made (creatorOf): chown is skipped when that already is the source's owner. */
  createdAs?: { uid: number; gid: number };
  /** The times are set already (the helper's copyFileFd sets them on the new file's descriptor). */
  timesSet?: boolean;
}

/**
 * The owner a new entry in `dir` gets: this process's effective user, and its group, or the
 * directory's group when the directory is setgid (POSIX). Saves a chown per file when the
 * source's owner is that already (every file of a tree root copies as root).
 */
export function creatorOf(dir: { mode: number; gid: number }): { uid: number; gid: number } {
  return { uid: process.geteuid?.() ?? -1, gid: (dir.mode & 0o2000) !== 0 ? dir.gid : process.getegid?.() ?? -1 };
}

/** A metadata step that failed without failing the entry: what, and the errno code. */
export type MetaFailure = XattrFailure;

/**
 * Gives the new entry at `p` (inside a checked directory, never followed: every call is an l-
 * variant) the source's owner, extended attributes, mode and times, in the order that keeps each:
 * chown first (it clears setuid, setgid and file capabilities), then attributes and ACLs (an ACL
 * rewrites the group bits), then the mode, then the times (the other steps move only the ctime).
 * Throws for a failed chown, mode or time (the entry is not placed); returns the attributes that
 * could not be set (the entry is placed, and the failure reported).
 */
export function applyMeta(p: string | Buffer, m: SourceMeta, bits: number, plan: MetaPlan): MetaFailure[] {
  const owners = (bits & KEEP.owners) !== 0 && (plan.createdAs?.uid !== m.uid || plan.createdAs.gid !== m.gid);
  if (owners) fs.lchownSync(p, m.uid, m.gid);
  let failed: MetaFailure[] = [];
  if (plan.kind !== 'link' && keepsXattrs(bits) && (plan.xattrs.length > 0 || plan.prune)) {
    failed = writeXattrs({ path: p }, plan.xattrs, xattrChoice(bits), plan.prune);
  }
  if (plan.kind !== 'link') {
    // Modes not kept: the source's bits under the umask, without setuid/setgid/sticky (as rsync without -p).
    const want = (bits & KEEP.modes) !== 0 ? m.perm : m.perm & 0o777 & ~plan.umask;
    const acl = plan.xattrs.some(([n]) => n === ACL_ACCESS);
    if (!plan.modeSet || (bits & KEEP.modes) === 0 || acl || (owners && (m.perm & 0o6000) !== 0)) setMode(p, want, plan.kind);
  }
  // Owner, attributes and mode move the ctime only: times set before them stay.
  if (!plan.timesSet) setTimesPath(p, m.times, (bits & KEEP.atimes) !== 0);
  return failed;
}

/**
 * chmod without following a link: fchmodat(AT_SYMLINK_NOFOLLOW) through the helper; without it
 * a regular file is opened O_NOFOLLOW and fchmod'ed. A special file is never opened (a device's
 * open can act on the device): without the helper its mode is the one mknod set.
 */
function setMode(p: string | Buffer, mode: number, kind: 'file' | 'special'): void {
  if (fsx) { fsx.lchmod(p, mode); return; }
  if (kind === 'special') return;
  const fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  try { fs.fchmodSync(fd, mode); } finally { fs.closeSync(fd); }
}
