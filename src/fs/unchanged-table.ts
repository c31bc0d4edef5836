import { encodeName } from './byte-names';
import { compareKey, findRecord } from './digest-table';

/*
 * The directories whose whole subtree a re-run's scan found up to date in the destination
 * (DirTree.unchanged, src/scan/compare-copy.ts), for the copy threads: one SharedArrayBuffer of
 * records sorted by key (the first 16 bytes of the SHA-256 of the directory's relPath as bytes),
 * each with the subtree's files and bytes (float64), so a walk task carries it without a copy and
 * passes such a subtree over with a binary search instead of listing it (clean-walk.ts).
 * 32 bytes a directory.
 */

/** See above; `count` records of UNCHANGED_RECORD bytes. */
export interface UnchangedTable {
  readonly buffer: SharedArrayBuffer;
  readonly count: number;
}

const KEY_BYTES = 16;
const UNCHANGED_RECORD = KEY_BYTES + 16;
const WORDS = UNCHANGED_RECORD / 4;
const KEY_WORDS = KEY_BYTES / 4;

/*
 * node:crypto is loaded on the first key made, not with this module: the scan's threads load this
 * module (kept-listings.ts) and most scans make no key there, and loading crypto costs each thread
 * ~10 ms of CPU (~7 ms on the main thread), in every run that scans (issue #17).
 */
const sha256 = ((): ((bytes: Buffer) => Buffer) => {
  // The module, once loaded, kept here: a require() per key cost 1.5 us beside the hash's 3.6.
  let crypto: typeof import('node:crypto') | undefined;
  /* eslint-disable-next-line @typescript-eslint/no-require-imports */
  return (bytes) => (crypto ??= require('node:crypto') as typeof import('node:crypto')).hash('sha256', bytes, 'buffer');
})();

// One-shot hash(): a Hash object per directory cost ~13 us each (27 ms for tree-100k's 2,000).
function keyBytes(relPath: string): Buffer {
  return sha256(encodeName(relPath)).subarray(0, KEY_BYTES);
}

function keyOf(relPath: string): Uint32Array {
  const key = new Uint32Array(KEY_WORDS);
  new Uint8Array(key.buffer).set(keyBytes(relPath));
  return key;
}

/**
 * A table of two numbers per relPath in the layout above (sorted by key, shared memory), made as
 * its entries come: each add() makes the entry's key then, so a scan that adds its kept listings
 * as its threads report them (worker-scanner.ts) hashes while the threads still list, and only
 * sorts when they are done (~25 ms of the main thread at that point for tree-100k's ~1,900 kept
 * listings when it hashed them all at the end, with both threads waiting; issue #17). Keys and
 * numbers go into growing arrays, not an array per key.
 */
export class PathTableBuilder {
  private keys = new Uint32Array(64 * KEY_WORDS);
  private numbers = new Float64Array(64 * 2);
  private count = 0;

  add(relPath: string, a: number, b: number): void {
    if (this.count * KEY_WORDS === this.keys.length) {
      const keys = new Uint32Array(this.keys.length * 2);
      keys.set(this.keys);
      this.keys = keys;
      const numbers = new Float64Array(this.numbers.length * 2);
      numbers.set(this.numbers);
      this.numbers = numbers;
    }
    new Uint8Array(this.keys.buffer, this.count * KEY_BYTES, KEY_BYTES).set(keyBytes(relPath));
    this.numbers[this.count * 2] = a;
    this.numbers[this.count * 2 + 1] = b;
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  build(): UnchangedTable {
    const { keys, numbers, count } = this;
    const order = Array.from({ length: count }, (_, i) => i).sort((x, y) => compareKey(keys, x * KEY_WORDS, keys, y * KEY_WORDS));
    const buffer = new SharedArrayBuffer(count * UNCHANGED_RECORD);
    const words = new Uint32Array(buffer);
    const out = new Float64Array(buffer);
    order.forEach((from, to) => {
      words.set(keys.subarray(from * KEY_WORDS, (from + 1) * KEY_WORDS), to * WORDS);
      out[(to * UNCHANGED_RECORD + KEY_BYTES) / 8] = numbers[from * 2];
      out[(to * UNCHANGED_RECORD + KEY_BYTES) / 8 + 1] = numbers[from * 2 + 1];
    });
    return { buffer, count };
  }
}

/**
 * A table of two numbers per relPath (PathTableBuilder, all entries at once). The unchanged
 * subtrees are one; the scan's kept listings' index (kept-listings.ts) another.
 */
export function buildPathTable(entries: ReadonlyArray<readonly [relPath: string, a: number, b: number]>): UnchangedTable {
  const b = new PathTableBuilder();
  for (const [rel, x, y] of entries) b.add(rel, x, y);
  return b.build();
}

/** The two numbers of `relPath` in a path table, else undefined. */
export function lookupPath(t: UnchangedTable, relPath: string): [number, number] | undefined {
  if (t.count === 0) return undefined;
  const at = findRecord(t.buffer, t.count, WORDS, keyOf(relPath));
  if (at < 0) return undefined;
  const n = new Float64Array(t.buffer, at * UNCHANGED_RECORD + KEY_BYTES, 2);
  return [n[0], n[1]];
}

/** The table of `entries` (relPath, the subtree's files and bytes). */
export function buildUnchangedTable(entries: ReadonlyArray<readonly [relPath: string, files: number, bytes: number]>): UnchangedTable {
  return buildPathTable(entries);
}

/**
 * `digests` with `unchanged`: the table of `totals`, made on first read. Only a chunk walked by
 * the copy reads it (through the walk task that carries it), and an unchanged re-run walks none:
 * each unchanged chunk is booked whole. Making it anyway cost that run ~20 ms of the main thread
 * (a SHA-256 per directory, tree-100k's 2,000) plus its garbage (issue #17). The property is an
 * own enumerable getter that replaces itself with the value, so a task posted to a thread
 * carries the table (structured clone reads own getters).
 */
export function withUnchangedTable<T extends object>(digests: T, totals: ReadonlyArray<readonly [relPath: string, files: number, bytes: number]> | undefined): T & { readonly unchanged?: UnchangedTable } {
  if (!totals) return digests;
  return Object.defineProperty(digests, 'unchanged', {
    enumerable: true,
    configurable: true,
    get(): UnchangedTable {
      const unchanged = buildUnchangedTable(totals);
      Object.defineProperty(digests, 'unchanged', { value: unchanged, enumerable: true, configurable: false, writable: false });
      return unchanged;
    },
  }) as T & { readonly unchanged?: UnchangedTable };
}

/** The subtree's files and bytes when `relPath` is in the table, else undefined. */
export function lookupUnchanged(t: UnchangedTable, relPath: string): { files: number; bytes: number } | undefined {
  const n = lookupPath(t, relPath);
  return n && { files: n[0], bytes: n[1] };
}
