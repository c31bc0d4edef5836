import type { BigIntStats, Stats } from 'node:fs';
import { KEEP, keepsXattrs } from './keep-flags';

/**
 * Seconds to give fs.utimes for a time in milliseconds, so the destination reads back the
 * same millisecond. libuv truncates to whole microseconds, and a plain ms/1000 double lands
 * just below the intended microsecond about a quarter of the time (1.234 → 1.2339999…), which
 * would make the next run see a changed mtime and copy the file again. Aiming at the middle of
 * the microsecond survives the truncation.
 */
export function utimesSeconds(ms: number): number {
  return (Math.floor(ms * 1000) + 0.5) / 1e6;
}

/**
 * Same file time for the up-to-date check: equal to the millisecond (what utimesSeconds keeps),
 * or within `windowMs` for destinations with coarse timestamps (FAT: 2 s, some NAS: 1 s).
 */
export function sameMtime(aMs: number, bMs: number, windowMs = 0): boolean {
  return windowMs > 0 ? Math.abs(aMs - bMs) <= windowMs : Math.floor(aMs) === Math.floor(bMs);
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
  if ((keep & KEEP.modes) !== 0 && (src.mode & 0o7777) !== (dst.mode & 0o7777)) return true;
  if ((keep & KEEP.owners) !== 0 && (src.uid !== dst.uid || src.gid !== dst.gid)) return true;
  return keepsXattrs(keep) && src.ctimeMs > dst.ctimeMs;
}
