import * as fs from 'node:fs';
import { fsx } from './fsx';

/** A file's times to the nanosecond, as a bigint fstat/lstat gives them. */
export interface ExactTimes {
  atimeNs: bigint;
  mtimeNs: bigint;
}

const BILLION = 1_000_000_000n;

/** Whole seconds (rounded down, also before 1970) and the nanoseconds above them. */
export function splitNs(ns: bigint): [number, number] {
  let sec = ns / BILLION;
  let nsec = ns - sec * BILLION;
  if (nsec < 0n) { sec -= 1n; nsec += BILLION; }
  return [Number(sec), Number(nsec)];
}

/**
 * Seconds for Node's utimes (a double) when the helper is missing, so the file gets the
 * microsecond `ns` falls in (rounded down). libuv cuts the fraction to whole microseconds toward
 * zero: aiming half a microsecond away from zero inside the wanted one keeps the double's
 * rounding from landing in its neighbour (1.234 → 1.2339999…), on both sides of 1970.
 */
export function microsecondSeconds(ns: bigint): number {
  let us = ns / 1000n;
  if (ns < 0n && us * 1000n !== ns) us -= 1n;
  return (Number(us) + (us < 0n ? -0.5 : 0.5)) / 1e6;
}

/**
 * The value to hand Node's utimes: Node replaces a negative number (a time before 1970) with
 * the current time, but takes a numeric string as it is.
 */
export function utimesArg(ns: bigint): number | string {
  const s = microsecondSeconds(ns);
  return s < 0 ? String(s) : s;
}

/** Nanoseconds from the milliseconds of non-bigint Stats (exact to the microsecond at best). */
export function msToNs(ms: number): bigint {
  return BigInt(Math.floor(ms * 1000)) * 1000n;
}

/**
 * Sets the times of the open file `fd` (the atime: the source's with `withAtime`, else now,
 * see nowParts): to the nanosecond with the file-system helper (futimens), else to the
 * microsecond (Node's futimes, which always sets both: the atime is the source's then).
 */
export function setTimesFd(fd: number, t: ExactTimes, withAtime: boolean): void {
  if (fsx) {
    fsx.futimens(fd, ...helperTimes(t, withAtime));
    return;
  }
  fs.futimesSync(fd, utimesArg(t.atimeNs), utimesArg(t.mtimeNs));
}

/**
 * Where a copy's times come from: the source's times, or the open source file itself (only with
 * the helper, which reads and sets them in one call, to the nanosecond) together with the mtimeMs
 * its stat had before the copy.
 */
export type TimesSource = ExactTimes | { fromFd: number; mtimeMs: number };

/**
 * setTimesFd for a path, never through a link in its last component (utimensat / lutimes). From
 * a descriptor whose file was written during the copy, the copy gets the time from before the
 * copy (to the microsecond) instead of the new one: the next run then sees the source changed and
 * copies it again, as it would had the times been read before the copy.
 */
export function setTimesPath(p: string | Buffer, t: TimesSource, withAtime: boolean): void {
  if ('fromFd' in t) {
    if (!fsx) throw new Error('times from a descriptor need the file-system helper');
    if (fsx.utimensFrom(t.fromFd, p, withAtime, t.mtimeMs)) return;
    const [ms, mn] = splitNs(msToNs(t.mtimeMs));
    const [at, atn] = nowParts();
    fsx.utimens(p, at, atn, ms, mn);
    return;
  }
  if (fsx) {
    fsx.utimens(p, ...helperTimes(t, withAtime));
    return;
  }
  fs.lutimesSync(p, utimesArg(t.atimeNs), utimesArg(t.mtimeNs));
}

/**
 * Whether a time already is what setting `want` would make it: equal to the nanosecond with the
 * helper, to the microsecond without it (all Node's utimes keeps), so an unchanged re-run never
 * sets a time again only because it cannot be set more exactly.
 */
export function sameSetTime(have: bigint, want: bigint): boolean {
  if (fsx) return have === want;
  const us = (ns: bigint): bigint => (ns < 0n && ns % 1000n !== 0n ? ns / 1000n - 1n : ns / 1000n);
  return us(have) === us(want);
}

/** The helper's (aSec, aNsec, mSec, mNsec) for `t`: the atime the source's with `withAtime`, else now. */
function helperTimes(t: ExactTimes, withAtime: boolean): [number, number, number, number] {
  return [...(withAtime ? splitNs(t.atimeNs) : nowParts()), ...splitNs(t.mtimeNs)];
}

/**
 * The atime given when atimes are not kept: now, as a new copy has anyway. Never "leave it"
 * (UTIME_OMIT): exfat-fuse, for one, takes a change of the mtime alone as "set it to now".
 */
function nowParts(): [number, number] {
  const ms = Date.now();
  return [Math.floor(ms / 1000), (ms % 1000) * 1_000_000];
}
