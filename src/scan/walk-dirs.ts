import type { Dirent, Stats } from 'node:fs';
import type { ScanError, SizeAgeFilter, SkippedLink } from '../api';
import { selectsFile } from '../api/selection';
import { decodeName } from '../fs/byte-names';
import { makeExcludeMatcher, type ExcludeMatcher } from './exclude-matcher';
import type { DirSummary, ScanTask, ScanTaskResult } from './scan-protocol';
import { F, LIST_FIELDS, lstatError, S, selfIsDirectory, type StatListing } from '../fs/list-stat';
import { nodeScanIo, type DirListing, type ScanIo } from './scan-io';
import { digestRecordOf } from '../fs/listing-digest';
import type { DigestFields } from '../api/digests';
import { CopyComparer } from './compare-copy';
import { keepListing, KEPT_MIN_AGE_MS, type DirStamp } from '../fs/kept-listings';

function errCode(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The entry is gone (deleted, or its parent replaced by a file) rather than unreadable. */
function isGone(code: string): boolean {
  return code === 'ENOENT' || code === 'ENOTDIR';
}

type EntryKind = 'file' | 'dir' | 'link' | 'other';

function kindOf(d: Dirent<string | Buffer> | Stats): EntryKind {
  if (d.isFile()) return 'file';
  if (d.isDirectory()) return 'dir';
  if (d.isSymbolicLink()) return 'link';
  return 'other';
}

/** A dirent with no type at all (DT_UNKNOWN on some file systems) needs an lstat to be told. */
function untyped(d: Dirent<string | Buffer>): boolean {
  return !(d.isFile() || d.isDirectory() || d.isSymbolicLink() || d.isFIFO() || d.isSocket()
    || d.isBlockDevice() || d.isCharacterDevice());
}

/**
 * Walks `task.dirs` depth first, summing each directory's own regular files, until
 * `task.budget` entries have been examined; directories not reached are returned in `pending`.
 * Never throws for file-system problems: they become errors (unreadable directory, entry that
 * vanished between readdir and lstat) and the walk goes on. Links are recorded, not followed.
 * Sockets, FIFOs and devices are not regular files and are not counted (robocopy skips them).
 */
export function walkDirs(task: ScanTask, io: ScanIo = nodeScanIo): ScanTaskResult {
  // Absolute excludeDirs are taken relative to the scan root (the plan has already rebased
  // those written against the live source when scanning a snapshot).
  const matcher = makeExcludeMatcher(task.excludes, { sourceRoot: task.root });
  const out: ScanTaskResult = { dirs: [], errors: [], links: [], hardLinked: [], pending: [] };
  // Reversed so the first listed dir is walked first (stack order).
  const stack = [...task.dirs].reverse();
  const rootPrefix = task.root.endsWith('/') || task.root.endsWith('\\') ? task.root : `${task.root}/`;
  let spent = 0;
  // Digests (listing-digest.ts) only where the scan counts every file it lists: no size or age filter.
  const digest = task.digest && !task.excludes.sizeAge ? task.digest : undefined;
  const records: Uint8Array[] = [];
  const comparer = digest && task.compareWith !== undefined ? new CopyComparer(task.compareWith, digest) : undefined;
  while (stack.length > 0) {
    if (spent >= task.budget) {
      out.pending = stack.reverse();
      break;
    }
    const rel = stack.pop()!;
    const abs = rel === '' ? task.root : rootPrefix + rel;
    const summary: DirSummary = { relPath: rel, ownFiles: 0, ownBytes: 0, state: 'ok' };
    out.dirs.push(summary);
    const subdirs: string[] = [];
    const ctx: ListingContext = { rel, relPrefix: rel === '' ? '' : `${rel}/`, absPrefix: `${abs}/`, summary, subdirs, out, matcher, io, sizeAge: task.excludes.sizeAge, leftOut: 0 };
    const startedAt = task.keepListings ? Date.now() : 0;
    const listed = listWhole(io, abs, digest && { rel, fields: digest });
    spent += listed ? 1 + walkStatListing(listed, ctx) : walkStreamed(abs, ctx);
    // The digest covers every entry: a directory with one left out by the excludes has none.
    const record = listed && ctx.leftOut === 0 ? digestRecordOf(listed) : undefined;
    if (record) records.push(record);
    if (record && comparer?.active && comparer.sameAs(rel, abs, listed!)) summary.sameCopy = true;
    else if (listed && task.keepListings) keep(io, task.keepListings, abs, listed, startedAt - (task.keptMinAgeMs ?? KEPT_MIN_AGE_MS), summary);
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
  if (records.length > 0) out.digests = Buffer.concat(records);
  if (comparer) out.compared = { tried: comparer.tried, same: comparer.same };
  return out;
}

/**
 * Keeps the listing of `abs` for the copy pass (kept-listings.ts) when the directory's ctime,
 * read now, is before `before` (the listing's start less KEPT_MIN_AGE_MS): no entry was added,
 * removed or renamed while it was listed. Best effort: a full arena or a failed lstat keeps nothing.
 */
function keep(io: ScanIo, arena: SharedArrayBuffer, abs: string, listed: StatListing, before: number, summary: DirSummary): void {
  if (!listed.raw) return;
  try {
    const st = stampAfterListing(io, abs, listed);
    if (!st || st.ctimeMs >= before) return;
    const at = keepListing(arena, listed.raw, listed.stats, st);
    if (at !== undefined) summary.kept = at;
  } catch {
    // Gone or unreadable now: the copy pass lists it and meets that itself.
  }
}

/**
 * The listed directory's identity and ctime, read after the listing: the helper's own numbers of
 * the descriptor it read (list-stat.ts `self`), else an lstat of the path. Undefined: not a directory.
 */
function stampAfterListing(io: ScanIo, abs: string, listed: StatListing): DirStamp | undefined {
  const self = listed.self;
  if (self && self[S.errno] === 0) {
    return selfIsDirectory(self) ? { dev: self[S.dev], ino: self[S.ino], ctimeMs: self[S.ctimeMs] } : undefined;
  }
  const st = io.lstat(abs);
  return st.isDirectory() ? st : undefined;
}

/**
 * The directory read whole with its lstats (ScanIo.listStat), or undefined: no helper, or the
 * call failed (an unreadable or vanished directory, an entry without a type whose lstat failed),
 * and the streamed walk then meets the failure and records it exactly as it always did.
 */
function listWhole(io: ScanIo, abs: string, digest: { rel: string; fields: DigestFields } | undefined): StatListing | undefined {
  if (!io.listStat) return undefined;
  try {
    return io.listStat(abs, digest);
  } catch {
    return undefined;
  }
}

/** Counts one directory read whole (listWhole); returns how many entries it examined. */
function walkStatListing(l: StatListing, ctx: ListingContext): number {
  const { names, types, stats } = l;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const o = i * LIST_FIELDS;
    try {
      switch (types[i]) {
        case 'f': {
          if (ctx.matcher.excludesFile(name)) {
            ctx.leftOut++;
            break;
          }
          // Its lstat failed after the readdir (it vanished): the error the streamed walk records.
          if (stats[o + F.errno] !== 0) throw lstatError(ctx.absPrefix + name, stats[o + F.errno]);
          countFile(name, stats[o + F.size], stats[o + F.mtimeMs], stats[o + F.nlink], ctx);
          break;
        }
        case 'd': visitDir(name, ctx); break;
        case 'l': visitLink(name, ctx); break;
        default: break;
      }
    } catch (e) {
      ctx.out.errors.push({ relPath: ctx.relPrefix + name, code: errCode(e), message: errMessage(e) });
    }
  }
  return names.length;
}

/** Streams the directory (opendir) and lstats each file; returns what it spent of the budget. */
function walkStreamed(abs: string, ctx: ListingContext): number {
  const { rel, summary, out, io } = ctx;
  let listing: DirListing;
  try {
    listing = io.opendir(abs);
  } catch (e) {
    const code = errCode(e);
    summary.state = isGone(code) ? 'gone' : 'unreadable';
    out.errors.push({ relPath: rel, code, message: errMessage(e) });
    return 0;
  }
  let spent = 0;
  let lossy = false;
  try {
    const r = walkListing(listing, ctx);
    spent += 1 + r.seen;
    lossy = r.lossy;
  } catch (e) {
    // Listing failed part-way (EIO, directory removed): what was counted stays, and says so.
    out.errors.push({ relPath: rel, code: errCode(e), message: errMessage(e) });
  } finally {
    listing.closeSync();
  }
  if (lossy) spent += walkUndecodable(abs, ctx);
  return spent;
}

/** One directory being listed, and where its findings go. */
interface ListingContext {
  rel: string; relPrefix: string; absPrefix: string; summary: DirSummary; subdirs: string[];
  out: ScanTaskResult; matcher: ExcludeMatcher; io: ScanIo; sizeAge?: SizeAgeFilter;
  /** Entries the excludes left out. */
  leftOut: number;
}

/**
 * Counts one directory's entries into `summary`; returns how many entries it examined and
 * whether it skipped names that came out with U+FFFD (bytes that are not UTF-8: the string would
 * not reach the file), which walkUndecodable then takes from a listing as bytes.
 */
function walkListing(listing: DirListing, ctx: ListingContext): { seen: number; lossy: boolean } {
  let seen = 0;
  let lossy = false;
  for (let d = listing.readSync(); d !== null; d = listing.readSync()) {
    seen++;
    // Hot loop (once per file): no per-entry allocation beyond the path lstat needs.
    if (d.name.includes('\ufffd')) { lossy = true; continue; }
    visitEntry(d, d.name, ctx);
  }
  return { seen, lossy };
}

/**
 * The entries walkListing skipped, from the directory listed again as bytes: exactly those whose
 * UTF-8 decoding holds U+FFFD, named surrogate-escaped. An entry that appeared or vanished
 * between the two listings is the same race as any other change during a scan.
 */
function walkUndecodable(abs: string, ctx: ListingContext): number {
  let entries: Dirent<Buffer>[];
  try {
    entries = ctx.io.readdirBytes(abs);
  } catch (e) {
    ctx.out.errors.push({ relPath: ctx.rel, code: errCode(e), message: errMessage(e) });
    return 0;
  }
  let seen = 0;
  for (const d of entries) {
    if (!d.name.toString('utf8').includes('\ufffd')) continue;
    seen++;
    visitEntry(d, decodeName(d.name), ctx);
  }
  return seen;
}

/** Counts, queues or records one entry; a file-system problem becomes an error of that entry. */
function visitEntry(d: Dirent<string | Buffer>, name: string, ctx: ListingContext): void {
  const { io, matcher } = ctx;
  let kind = kindOf(d);
  let st: Stats | undefined;
  try {
    if (kind === 'other' && untyped(d)) {
      st = io.lstat(ctx.absPrefix + name);
      kind = kindOf(st);
    }
    if (kind === 'file') {
      if (matcher.excludesFile(name)) return;
      const fst = st ?? io.lstat(ctx.absPrefix + name);
      countFile(name, fst.size, fst.mtimeMs, fst.nlink, ctx);
    } else if (kind === 'dir') {
      visitDir(name, ctx);
    } else if (kind === 'link') {
      visitLink(name, ctx);
    }
  } catch (e) {
    ctx.out.errors.push({ relPath: ctx.relPrefix + name, code: errCode(e), message: errMessage(e) });
  }
}

/** A regular file, not excluded by name: counted unless the size or age filters leave it out. */
function countFile(name: string, size: number, mtimeMs: number, nlink: number, ctx: ListingContext): void {
  // Left out by size or age: not part of the plan, as the engines will not copy it.
  if (!selectsFile(ctx.sizeAge, size, mtimeMs)) return;
  ctx.summary.ownFiles++;
  ctx.summary.ownBytes += size;
  // Only files with other names cost more: their exact identity, for the hard-link groups.
  if (nlink > 1) ctx.out.hardLinked.push({ relPath: ctx.relPrefix + name, id: ctx.io.identity(ctx.absPrefix + name) });
}

function visitDir(name: string, ctx: ListingContext): void {
  const childRel = ctx.relPrefix + name;
  if (!ctx.matcher.excludesDir(name, childRel)) ctx.subdirs.push(childRel);
  else ctx.leftOut++;
}

function visitLink(name: string, ctx: ListingContext): void {
  ctx.out.links.push({ relPath: ctx.relPrefix + name, target: linkTarget(ctx.io, ctx.absPrefix + name) });
}

function linkTarget(io: ScanIo, abs: string): SkippedLink['target'] {
  try {
    const st = io.stat(abs);
    return st === undefined ? 'unknown' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'unknown';
  } catch {
    // A loop or an unreadable target: the link is still reported, its kind just is not known.
    return 'unknown';
  }
}
