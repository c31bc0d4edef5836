import { fromNative, LIST_FIELDS, type StatListing } from './list-stat';
import { lookupPath, PathTableBuilder, type UnchangedTable } from './unchanged-table';

/*
 * Source listings the scan keeps for the copy pass (issue #17, the changed re-run): a directory
 * the scan listed and did not find up to date in its copy is listed again by the copy thread
 * that copies it, a third listing of the tree where rsync makes two. The scan threads write
 * such listings, as the helper returned them (stats and name bytes), into one SharedArrayBuffer
 * ("arena") up to a byte budget; the copy threads read them from there without a copy across
 * threads, by relPath (an index built like the unchanged table).
 *
 * A kept listing stands for a new one only while its directory is as the scan left it: the same
 * device and inode, and the same ctime. Adding, removing or renaming an entry changes the
 * directory's ctime; the scan reads that ctime after the listing and keeps the listing only when
 * it is older than the listing's start by KEPT_MIN_AGE_MS, so no change could have come during
 * the listing within the same clock tick (file systems stamp times at a tick's granularity).
 * A file's own status may have changed since: the copy pass takes such a listing only where it
 * would take the scan's digests (within DIGEST_MAX_AGE_MS, walk-digests.ts), the same window.
 */

/** The arena and the index of the listings kept in it. */
export interface KeptListings {
  readonly arena: SharedArrayBuffer;
  readonly index: UnchangedTable;
}

/** A kept listing's directory must be unchanged for this long before its listing began. */
export const KEPT_MIN_AGE_MS = 2000;

/** The directory's identity and ctime, as a Node Stats gives them. */
export interface DirStamp {
  readonly dev: number;
  readonly ino: number;
  readonly ctimeMs: number;
}

// Arena layout: Int32 at 0, the next free byte (records start at 8, 8-byte aligned). A record:
// float64 dev, ino, ctimeMs; uint32 entries, name bytes; the stats (entries × LIST_FIELDS
// float64); the name bytes, padded to 8.
const FIRST = 8;
const HEAD = 32;

/** An empty arena of `bytes` (untouched memory costs nothing until a listing is written in it). */
export function newArena(bytes: number): SharedArrayBuffer {
  const arena = new SharedArrayBuffer(Math.max(FIRST, Math.min(bytes, 0x7fff_fff8)));
  Atomics.store(new Int32Array(arena, 0, 1), 0, FIRST);
  return arena;
}

/**
 * Writes a listing into the arena (any thread); returns its offset, or undefined when it does
 * not fit in what is left. The space is claimed with a compare-and-swap, so the next-free word
 * never passes the arena's end.
 */
export function keepListing(arena: SharedArrayBuffer, raw: Buffer, stats: Float64Array, dir: DirStamp): number | undefined {
  const size = HEAD + stats.byteLength + Math.ceil(raw.length / 8) * 8;
  const next = new Int32Array(arena, 0, 1);
  let at: number;
  for (;;) {
    at = Atomics.load(next, 0);
    if (at + size > arena.byteLength) return undefined;
    if (Atomics.compareExchange(next, 0, at, at + size) === at) break;
  }
  const head = new Float64Array(arena, at, 3);
  head[0] = dir.dev;
  head[1] = dir.ino;
  head[2] = dir.ctimeMs;
  const counts = new Uint32Array(arena, at + 24, 2);
  counts[0] = stats.length / LIST_FIELDS;
  counts[1] = raw.length;
  new Float64Array(arena, at + HEAD, stats.length).set(stats);
  new Uint8Array(arena, at + HEAD + stats.byteLength, raw.length).set(raw);
  return at;
}

/**
 * The index of the kept listings, made as the scan's threads report them (each relPath hashed
 * then, while the threads still list: PathTableBuilder), built when the scan ends.
 */
export class KeptIndexBuilder {
  private readonly table = new PathTableBuilder();

  add(relPath: string, offset: number): void {
    this.table.add(relPath, offset, 0);
  }

  get size(): number {
    return this.table.size;
  }

  build(arena: SharedArrayBuffer): KeptListings {
    return { arena, index: this.table.build() };
  }
}

/** The index of the kept listings: (relPath, offset) pairs as the scan reported them. */
export function indexKept(arena: SharedArrayBuffer, kept: ReadonlyArray<readonly [relPath: string, offset: number]>): KeptListings {
  const b = new KeptIndexBuilder();
  for (const [rel, at] of kept) b.add(rel, at);
  return b.build(arena);
}

/**
 * The kept listing of the directory at `relPath` (below the scan's root), decoded as listStat
 * decodes the helper's, when its directory still has the identity and ctime `now` (the open
 * directory's status); else undefined, and the caller lists it.
 */
export function takeKept(k: KeptListings, relPath: string, dirPath: string, now: DirStamp): StatListing | undefined {
  const found = lookupPath(k.index, relPath);
  if (!found) return undefined;
  const at = found[0];
  const head = new Float64Array(k.arena, at, 3);
  if (head[0] !== now.dev || head[1] !== now.ino || head[2] !== now.ctimeMs) return undefined;
  const [entries, nameBytes] = new Uint32Array(k.arena, at + 24, 2);
  // Copies, not views: a listing's numbers are changed by some callers (a temp file removed).
  const stats = new Float64Array(k.arena, at + HEAD, entries * LIST_FIELDS).slice();
  const raw = Buffer.from(new Uint8Array(k.arena, at + HEAD + stats.byteLength, nameBytes).slice().buffer);
  return fromNative(dirPath, [raw, stats]);
}
