import type { DigestFields, DigestTable } from '../api/digests';
import { DIGEST_BYTES } from './listing-digest';

/*
 * The scan's listing digests of a tree (listing-digest.ts), for a re-run's walk to look up from
 * any copy thread: one SharedArrayBuffer of records sorted by digest (16 digest bytes, then the
 * directory's newest file ctime as a float64), so a task carries it without a copy and a lookup is
 * a binary search. 24 bytes a directory: 0.4 MB for a tree of 17,000 directories. Records are
 * ordered by their digest read as four 32-bit words (any fixed order serves a binary search), so
 * sorting and looking up compare numbers, not byte ranges through Buffer calls.
 */
export type { DigestTable };

export const DIGEST_RECORD = DIGEST_BYTES + 8;
const WORDS = DIGEST_RECORD / 4;
const KEY_WORDS = DIGEST_BYTES / 4;

/** Records as the scan's workers send them: DIGEST_RECORD bytes each, back to back, in any order. */
export function buildDigestTable(parts: readonly Uint8Array[], fields: DigestFields, takenAt: number): DigestTable {
  const bytes = parts.reduce((n, p) => n + p.length, 0);
  const count = Math.floor(bytes / DIGEST_RECORD);
  // An aligned copy: the parts' own buffers may start anywhere.
  const all = new Uint8Array(count * DIGEST_RECORD);
  let at = 0;
  for (const p of parts) {
    all.set(p.subarray(0, Math.min(p.length, all.length - at)), at);
    at += p.length;
  }
  const words = new Uint32Array(all.buffer);
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => compareKey(words, a * WORDS, words, b * WORDS));
  const buffer = new SharedArrayBuffer(count * DIGEST_RECORD);
  const out = new Uint32Array(buffer);
  order.forEach((from, to) => out.set(words.subarray(from * WORDS, (from + 1) * WORDS), to * WORDS));
  return { buffer, count, fields, takenAt };
}

/** The ctime recorded with `digest`, or undefined when the scan saw no directory with that digest. */
export function lookupDigest(t: DigestTable, digest: Uint8Array): number | undefined {
  const key = new Uint32Array(KEY_WORDS);
  new Uint8Array(key.buffer).set(digest.subarray(0, DIGEST_BYTES));
  const at = findRecord(t.buffer, t.count, WORDS, key);
  return at < 0 ? undefined : new Float64Array(t.buffer, at * DIGEST_RECORD + DIGEST_BYTES, 1)[0];
}

/**
 * The index of the record whose 16-byte key (its first four words) is `key`, in `count` records of
 * `recordWords` words sorted by compareKey; -1 when there is none. Also unchanged-table.ts.
 */
export function findRecord(buffer: SharedArrayBuffer, count: number, recordWords: number, key: Uint32Array): number {
  const words = new Uint32Array(buffer);
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKey(words, mid * recordWords, key, 0);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Orders two 16-byte keys read as four 32-bit words (any fixed order serves a binary search); also unchanged-table.ts. */
export function compareKey(a: Uint32Array, ai: number, b: Uint32Array, bi: number): number {
  for (let k = 0; k < KEY_WORDS; k++) {
    const d = a[ai + k] - b[bi + k];
    if (d !== 0) return d;
  }
  return 0;
}
