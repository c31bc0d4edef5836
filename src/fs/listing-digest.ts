import type { DigestFields } from '../api/digests';
import type { StatListing } from './list-stat';

/**
 * A directory listing reduced to what decides "up to date" (issue #17, walk-once): the scan
 * digests each source directory as it lists it, and a re-run's walk digests the destination
 * directory the same way. Equal digests mean the same names (as bytes), each with the same type,
 * and each file with the same size, mtime (the same whole millisecond, which implies the copy's
 * "less than 1 ms apart") and, where `fields` say so, the same permission bits and owner: the
 * walk then needs no second listing of the source. Anything else (a different digest, or a
 * listing that cannot have one) and the walk lists the source as it always did.
 *
 * The helper computes it while it lists (native/fsx.c `listStat(dir, rel, fields)`): hashing in
 * JavaScript cost as much as the listing it saved. It covers every entry and the directory's
 * path in the tree, so a digest found in the scan's table can only be that directory's own; a
 * listing with an entry the job leaves out (excluded, or one of our temp files) is not digested
 * at all (the callers check). 128 bits: no accidental collision in any tree.
 */
export interface ListingDigest {
  /** DIGEST_BYTES bytes. */
  digest: Uint8Array;
  /**
   * The files' ctimes: the newest on the source side, the oldest on the destination side. A copy
   * that keeps extended attributes compares them when the source's ctime is newer than the
   * copy's (times.ts metaDiffers); newest source ≤ oldest copy settles that for every file.
   */
  ctimeMs: number;
}

/**
 * What the helper returns beside a listing it digested (native/fsx.c DIGEST_INFO_BYTES): the
 * digest (16 bytes), the newest and the oldest file ctime (float64), flags (uint32). Its first 24
 * bytes are a source directory's record in the scan's table as they are (digest-table.ts).
 */
export type DigestInfo = Uint8Array;

export const DIGEST_BYTES = 16;

/** native/fsx.c DIGEST_HAS_*: an entry neither file nor directory, a failed lstat, a file with other names. */
const HAS_OTHER = 1;
const HAS_FAILED = 2;
const HAS_LINKED = 4;

/** `fields` as the helper's bits. */
export function digestFieldBits(fields: DigestFields): number {
  return (fields.modes ? 1 : 0) | (fields.owners ? 2 : 0);
}

/**
 * The digest of a listing made with one (list-stat.ts `listStat(dir, digest)`), or undefined: none
 * made, an entry that is neither a file nor a directory, a failed lstat, and on the source side a
 * file with other names (hard links are decided by the walk itself).
 */
export function listingDigest(l: StatListing, side: 'src' | 'dst'): ListingDigest | undefined {
  const info = l.digest;
  if (!info) return undefined;
  // The helper's own buffer starts at offset 0 of its memory: aligned views in the machine's own
  // byte order, as the helper wrote them; no DataView per directory.
  const aligned = info.byteOffset % 8 === 0 ? info : new Uint8Array(info.subarray(0, 40));
  const flags = new Uint32Array(aligned.buffer, aligned.byteOffset + 32, 1)[0];
  if ((flags & (HAS_OTHER | HAS_FAILED)) !== 0) return undefined;
  if (side === 'src' && (flags & HAS_LINKED) !== 0) return undefined;
  const times = new Float64Array(aligned.buffer, aligned.byteOffset, 4);
  return { digest: info.subarray(0, DIGEST_BYTES), ctimeMs: side === 'src' ? times[2] : times[3] };
}

/** A source directory's record for the scan's digest table (digest-table.ts): the info's first 24 bytes. */
export function digestRecordOf(l: StatListing): Uint8Array | undefined {
  return l.digest && listingDigest(l, 'src') ? l.digest.subarray(0, DIGEST_BYTES + 8) : undefined;
}
