import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { decodeName, encodeName, fsPath } from './byte-names';
import type { DigestFields } from '../api/digests';
import { digestFieldBits, type DigestInfo } from './listing-digest';
import { fsx } from './fsx';

/**
 * One directory read with an lstat of each entry, in one call of the helper (native/fsx.c
 * `listStat`: readdir + fstatat, no JavaScript Stats object and no Date per entry), or, without
 * it, with Node's readdir and lstat: the same names, order, types and numbers either way
 * (test/unit/fs/list-stat.spec.ts compares them on a hostile tree).
 *
 * An entry whose lstat failed (it vanished, or was replaced, after the readdir) keeps the type
 * readdir gave it and its errno: callers decide nothing from its numbers and go the way they did
 * without them (the copy's own lstat then meets the same failure).
 */
export interface StatListing {
  /** Names, surrogate-escaped where not UTF-8 (byte-names.ts), sorted by bytes like fs.readdirSync. */
  names: string[];
  /** One letter per entry, from readdir's d_type (from the lstat where d_type says nothing): f d l o. */
  types: string;
  /** LIST_FIELDS numbers per entry, at `i * LIST_FIELDS + F.*`. */
  stats: Float64Array;
  /** The listing's digest (listing-digest.ts), when one was asked for and the helper made it. */
  digest?: DigestInfo;
  /**
   * With the digest: the listed directory's own numbers (`S.*`), from the descriptor the helper
   * read, so those of what was listed even where a link was followed to it; and the byte size of
   * its extended attributes' names (0: none). Not enumerable.
   */
  self?: Float64Array;
  /**
   * The helper's own bytes of the names (NUL-terminated), for a listing kept whole
   * (kept-listings.ts). Not enumerable: a listing posted to another thread does not carry it.
   */
  readonly raw?: Buffer;
}

/** The fields of one entry in `stats` (the order of native/fsx.c). Times are Node's mtimeMs/ctimeMs. */
export const F = { type: 0, errno: 1, mode: 2, nlink: 3, uid: 4, gid: 5, size: 6, mtimeMs: 7, ctimeMs: 8, ino: 9, dev: 10 } as const;
export const LIST_FIELDS = 11;
/** The fields of StatListing.self (native/fsx.c self_result). xattrBytes < 0: -errno of the list. */
export const S = { errno: 0, mode: 1, uid: 2, gid: 3, mtimeSec: 4, mtimeNsec: 5, ino: 6, dev: 7, xattrBytes: 8, ctimeMs: 9 } as const;

/** Entry `i`'s device and inode as listed; undefined when its lstat failed. */
export function listedIdentity(stats: Float64Array, i: number): { dev: number; ino: number } | undefined {
  const o = i * LIST_FIELDS;
  return stats[o + F.errno] === 0 ? { dev: stats[o + F.dev], ino: stats[o + F.ino] } : undefined;
}

/** Whether StatListing.self says a directory (its mode's type bits, S_IFDIR). */
export function selfIsDirectory(self: Float64Array): boolean {
  return (self[S.mode] & 0o170000) === 0o040000;
}

const LETTERS = ['o', 'f', 'd', 'l', 'o'];
const TYPE_CODES: Record<string, number> = { f: 1, d: 2, l: 3, o: 4 };

/**
 * Reads `dir` (a path, through /proc for an open directory: dir-ref.ts `self`). Throws as readdir
 * does. With `digest`, the helper also digests the listing (listing-digest.ts) as the directory
 * at `rel` below the tree's root, and gives the directory's own numbers (`self`); without the
 * helper there are neither. `noFollow` (with the helper): a link as `dir`'s last component is an
 * error (ENOTDIR or ELOOP), not followed.
 */
export function listStat(dir: string, digest?: { rel: string; fields: DigestFields; noFollow?: boolean }): StatListing {
  const native = fsx?.listStat;
  if (!native) return listStatJs(dir);
  if (!digest) return fromNative(dir, native(fsPath(dir)));
  const [raw, stats, info, self] = native(fsPath(dir), encodeName(digest.rel), digestFieldBits(digest.fields), digest.noFollow === true);
  const l = fromNative(dir, [raw, stats]);
  if (info) l.digest = info;
  // Not enumerable, as `raw`: a listing a copy thread posts back does not carry it.
  if (self) Object.defineProperty(l, 'self', { value: self, enumerable: false, configurable: true });
  return l;
}

/**
 * What the helper returned, decoded (names through byte-names.ts; types as letters). Also for a
 * listing kept in shared memory (kept-listings.ts), which holds the same two parts.
 */
export function fromNative(dir: string, [raw, stats]: readonly [Buffer, Float64Array, ...unknown[]]): StatListing {
  const names = splitNames(raw);
  let types = '';
  for (let i = 0; i < names.length; i++) {
    const o = i * LIST_FIELDS;
    // d_type said nothing and the lstat failed: Node's readdir (withFileTypes) throws here too.
    if (stats[o + F.type] === 0) throw lstatError(path.join(dir, names[i]), stats[o + F.errno]);
    types += LETTERS[stats[o + F.type]];
  }
  const l: StatListing = { names, types, stats };
  Object.defineProperty(l, 'raw', { value: raw, enumerable: false });
  return l;
}

/** NUL-terminated byte names; one string decode for the whole directory unless a name is not UTF-8. */
function splitNames(raw: Buffer): string[] {
  if (raw.length === 0) return [];
  const all = raw.toString('utf8', 0, raw.length - 1);
  if (!all.includes('\ufffd')) return all.split('\0');
  const names: string[] = [];
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 0) continue;
    names.push(decodeName(raw.subarray(start, i)));
    start = i + 1;
  }
  return names;
}

/** An lstat failure as Node reports it (code, errno, syscall, path). */
export function lstatError(p: string, errno: number): NodeJS.ErrnoException {
  const [code, text] = util.getSystemErrorMap().get(-errno) ?? ['EUNKNOWN', 'unknown error'];
  return Object.assign(new Error(`${code}: ${text}, lstat '${p}'`), { code, errno: -errno, syscall: 'lstat', path: p });
}

/** Without the helper: readdir (names as strings; as bytes only when one is not UTF-8), then lstat each. */
export function listStatJs(dir: string): StatListing {
  const p = fsPath(dir);
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  let dirents: fs.Dirent<string | Buffer>[] = fs.readdirSync(p, { withFileTypes: true });
  let names: string[];
  if (dirents.some((d) => (d.name as string).includes('\ufffd'))) {
    dirents = fs.readdirSync(p, { withFileTypes: true, encoding: 'buffer' });
    names = dirents.map((d) => decodeName(d.name as Buffer));
  } else names = dirents.map((d) => d.name as string);
  const stats = new Float64Array(names.length * LIST_FIELDS);
  let types = '';
  dirents.forEach((d, i) => {
    const letter = d.isFile() ? 'f' : d.isDirectory() ? 'd' : d.isSymbolicLink() ? 'l' : 'o';
    types += letter;
    const o = i * LIST_FIELDS;
    stats[o + F.type] = TYPE_CODES[letter];
    let st: fs.Stats;
    try {
      st = fs.lstatSync(fsPath(prefix + names[i]));
    } catch (err) {
      stats[o + F.errno] = -((err as NodeJS.ErrnoException).errno ?? 0) || 1;
      return;
    }
    stats[o + F.mode] = st.mode;
    stats[o + F.nlink] = st.nlink;
    stats[o + F.uid] = st.uid;
    stats[o + F.gid] = st.gid;
    stats[o + F.size] = st.size;
    stats[o + F.mtimeMs] = st.mtimeMs;
    stats[o + F.ctimeMs] = st.ctimeMs;
    stats[o + F.ino] = st.ino;
    stats[o + F.dev] = st.dev;
  });
  return { names, types, stats };
}
