import * as fs from 'node:fs';
import type { DigestFields } from '../api/digests';
import { encodeName, fsPath } from '../fs/byte-names';
import { sameSetTime } from '../fs/file-times';
import { listedIdentity, listStat, S, selfIsDirectory, type StatListing } from '../fs/list-stat';
import { DIGEST_BYTES, listingDigest, type ListingDigest } from '../fs/listing-digest';
import { readXattrs, sameXattrs } from '../fs/xattrs';

/** A subdirectory's identity as its parent's listing showed it. */
interface Reached { dev: number; ino: number }

/**
 * A re-run's scan compares each source directory it digests with its copy (issue #17, walk-once):
 * the copy listed with the same digest (listing-digest.ts), and the two directories' own mode,
 * owner, modification time and extended attributes. A directory whose copy matches in all of
 * that, and whose subdirectories all match too (tree-builder.ts), needs nothing a copy pass could
 * do, and the native engine books a chunk that is such a subtree without listing it again
 * (native-job.ts). Everything is compared whether or not the job keeps it (all attributes, the
 * directory's time, every file's ctime): more than the copy compares only makes fewer directories
 * match, never a wrong one.
 *
 * Reading the destination here is read-only: a match only ever leaves a chunk alone. So the copy
 * is reached by path, and a path that goes through a link anywhere below the destination root is
 * no match (its real path must be the root's real path with `rel` below it); a link swapped in
 * after that check could only make a chunk be left alone that a copy pass would have found
 * changed, as a change made after any scan is found by the next run.
 *
 * Comparing costs a second listing per directory, which a changed tree then lists a third time
 * in the copy pass: `active` stops once most directories compared are found changed.
 */
export class CopyComparer {
  tried = 0;
  same = 0;
  /** The destination root's real path; null when it cannot be resolved (not there yet): nothing is compared. */
  private rootReal: Buffer | null | undefined;
  /**
   * Subdirectories of the copies reached so far, by relPath, as their parent's listing showed
   * them: a copy that shows that identity (its own lstat, or the descriptor the helper listed
   * without following a last-component link) was reached through no link (its parent was, by
   * induction), without the real path's lstat of every component.
   */
  private readonly reached = new Map<string, Reached>();

  constructor(private readonly root: string, private readonly fields: DigestFields) {}

  /** Comparing still pays: not yet MIN_TRIED directories tried, or at least half of them the same. */
  get active(): boolean {
    return this.realRoot() !== null && worthComparing(this.tried, this.same);
  }

  /**
   * True when the copy of the source directory `rel` (at `srcAbs`, listed with its digest as
   * `src`) is up to date as described above. Never throws: any failure is "not the same".
   */
  sameAs(rel: string, srcAbs: string, src: StatListing): boolean {
    const s = listingDigest(src, 'src');
    const rootReal = this.realRoot();
    if (!s || !rootReal) return false;
    this.tried++;
    const dstAbs = rel === '' ? this.root : `${this.root.endsWith('/') ? this.root : `${this.root}/`}${rel}`;
    try {
      const known = this.reached.get(rel);
      const same = src.self ? this.sameBySelf(rel, srcAbs, dstAbs, src.self, s, known, rootReal) : this.sameByPath(rel, srcAbs, dstAbs, s, known, rootReal);
      if (!same) return false;
    } catch {
      return false;
    }
    this.same++;
    return true;
  }

  /**
   * With the helper's own numbers of each listed directory (list-stat.ts `self`): the copy is
   * listed without following a link as its last component, and its identity is checked on the
   * descriptor that was listed, so no `lstat` of either directory is needed, nor a listing of
   * their extended attributes where neither has any (the usual case).
   */
  private sameBySelf(rel: string, srcAbs: string, dstAbs: string, a: Float64Array, s: ListingDigest, known: Reached | undefined, rootReal: Buffer): boolean {
    if (!known && !this.realPathIsBelowRoot(dstAbs, rel, rootReal)) return false;
    const listed = listStat(dstAbs, { rel, fields: this.fields, noFollow: true });
    const b = listed.self;
    if (!b || a[S.errno] !== 0 || b[S.errno] !== 0) return false;
    if (known && (known.dev !== b[S.dev] || known.ino !== b[S.ino])) return false;
    this.noteSubdirs(rel, listed);
    if (!sameDigest(s, listingDigest(listed, 'dst'))) return false;
    if (!sameDirectory(factsOfSelf(a), factsOfSelf(b), this.fields)) return false;
    if (a[S.xattrBytes] === 0 && b[S.xattrBytes] === 0) return true;
    return sameAttributes(srcAbs, dstAbs);
  }

  /** Without them (no helper, or one built before `self`): each directory's `lstat` and attributes by path. */
  private sameByPath(rel: string, srcAbs: string, dstAbs: string, s: ListingDigest, known: Reached | undefined, rootReal: Buffer): boolean {
    const dstStat = fs.lstatSync(fsPath(dstAbs), { bigint: true });
    if (known ? known.dev !== Number(dstStat.dev) || known.ino !== Number(dstStat.ino) : !this.realPathIsBelowRoot(dstAbs, rel, rootReal)) return false;
    const listed = listStat(dstAbs, { rel, fields: this.fields });
    this.noteSubdirs(rel, listed);
    if (!sameDigest(s, listingDigest(listed, 'dst'))) return false;
    if (!sameDirectory(factsOfStats(fs.lstatSync(fsPath(srcAbs), { bigint: true })), factsOfStats(dstStat), this.fields)) return false;
    return sameAttributes(srcAbs, dstAbs);
  }

  /** The copy's real path is the root's real path with `rel` below it: no link on the way. */
  private realPathIsBelowRoot(dstAbs: string, rel: string, rootReal: Buffer): boolean {
    return fs.realpathSync.native(fsPath(dstAbs), { encoding: 'buffer' }).equals(below(rootReal, rel));
  }

  /** The subdirectories of a copy reached through no link (sameAs), for their own turn. */
  private noteSubdirs(rel: string, l: StatListing): void {
    const prefix = rel === '' ? '' : `${rel}/`;
    for (let i = 0; i < l.names.length; i++) {
      const id = l.types[i] === 'd' ? listedIdentity(l.stats, i) : undefined;
      if (id) this.reached.set(prefix + l.names[i], id);
    }
  }

  private realRoot(): Buffer | null {
    if (this.rootReal === undefined) {
      try {
        this.rootReal = fs.realpathSync.native(fsPath(this.root), { encoding: 'buffer' });
      } catch {
        this.rootReal = null;
      }
    }
    return this.rootReal;
  }
}

/** Directories a comparer tries before it may stop (CopyComparer.active; the scanner's own count too). */
export const MIN_TRIED = 16;

/** Comparing pays while fewer than MIN_TRIED directories were tried, or at least half were the same. */
export function worthComparing(tried: number, same: number): boolean {
  return tried < MIN_TRIED || same * 2 >= tried;
}

/** `root` (a real path) with `rel` below it, as bytes. */
function below(root: Buffer, rel: string): Buffer {
  if (rel === '') return root;
  return Buffer.concat([root, root[root.length - 1] === 0x2f ? Buffer.alloc(0) : Buffer.from('/'), encodeName(rel)]);
}

/** Every source file's status changed before every copy's was made: no attribute can differ unseen. */
function sameDigest(s: ListingDigest, d: ListingDigest | undefined): boolean {
  return d !== undefined && s.ctimeMs <= d.ctimeMs && Buffer.compare(s.digest.subarray(0, DIGEST_BYTES), d.digest.subarray(0, DIGEST_BYTES)) === 0;
}

/** The two directories' extended attributes and ACLs, read and compared. */
function sameAttributes(srcAbs: string, dstAbs: string): boolean {
  const all = { xattrs: true, acls: true };
  return sameXattrs(readXattrs({ path: fsPath(srcAbs) }, all), readXattrs({ path: fsPath(dstAbs) }, all));
}

/** What sameDirectory compares of a directory, from its lstat or from the helper's numbers. */
interface DirFacts { isDirectory: boolean; permissions: number; uid: number; gid: number; mtimeNs: bigint }

function factsOfStats(st: fs.BigIntStats): DirFacts {
  return { isDirectory: st.isDirectory(), permissions: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid), mtimeNs: st.mtimeNs };
}

/** The helper's numbers of a listed directory (list-stat.ts `S`). */
function factsOfSelf(self: Float64Array): DirFacts {
  return {
    isDirectory: selfIsDirectory(self), permissions: self[S.mode] & 0o7777, uid: self[S.uid], gid: self[S.gid],
    mtimeNs: BigInt(self[S.mtimeSec]) * 1_000_000_000n + BigInt(self[S.mtimeNsec]),
  };
}

/** Both are directories with the same time, and the same permission bits and owner where the digests cover them. */
function sameDirectory(a: DirFacts, b: DirFacts, fields: DigestFields): boolean {
  if (!a.isDirectory || !b.isDirectory || !sameSetTime(b.mtimeNs, a.mtimeNs)) return false;
  if (fields.modes && a.permissions !== b.permissions) return false;
  return !fields.owners || (a.uid === b.uid && a.gid === b.gid);
}
