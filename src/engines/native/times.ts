import type { BigIntStats, Stats } from 'node:fs';
import { KEEP, keepsXattrs } from './keep-flags';

/**
 * Same file time for the up-to-date check: less than a millisecond apart (times are set to the
 * nanosecond, or to the microsecond without the helper: file-times.ts), or within `windowMs` for
 * destinations with coarse timestamps (FAT: 2 s, some NAS: 1 s). Not "the same whole
 * millisecond": Node's mtimeMs is a double that can round a time just below a millisecond up
 * into the next one, and a copy kept to the microsecond would then look changed on every run.
 */
export function sameMtime(aMs: number, bMs: number, windowMs = 0): boolean {
  return windowMs > 0 ? Math.abs(aMs - bMs) <= windowMs : Math.abs(aMs - bMs) < 1;
}

/** The file opened for the copy is the one the lstat saw: a regular file, same inode. */
export function sameFile(opened: Stats | BigIntStats, seen: Stats): boolean {
  return opened.isFile() && Number(opened.dev) === seen.dev && Number(opened.ino) === seen.ino;
}

/**
 * Whether a destination entry whose data is up to date still needs its metadata fixed: owner or
 * mode differ (compared for free: both lstats are there), or, where extended attributes are kept,
 * the source's metadata changed after the copy was last written (its ctime is newer: a chmod,
 * chown or setfattr since), which is when the attributes are compared.
 */
export function attributesDiffer(keep: number, src: Stats, dst: Stats): boolean {
  return metaDiffers(keep, src.mode, src.uid, src.gid, src.ctimeMs, dst.mode, dst.uid, dst.gid, dst.ctimeMs);
}

/** attributesDiffer on plain numbers (a listing's: listed-compare.ts), source first, then destination. */
export function metaDiffers(keep: number, sMode: number, sUid: number, sGid: number, sCtimeMs: number, dMode: number, dUid: number, dGid: number, dCtimeMs: number): boolean {
  if ((keep & KEEP.modes) !== 0 && (sMode & 0o7777) !== (dMode & 0o7777)) return true;
  if ((keep & KEEP.owners) !== 0 && (sUid !== dUid || sGid !== dGid)) return true;
  return keepsXattrs(keep) && sCtimeMs > dCtimeMs;
}
