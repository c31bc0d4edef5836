import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsPath } from '../../fs/byte-names';
import { fsError, refOf, withDirSync, type DirRef } from '../../fs/dir-ref';
import type { JobContext } from './job-context';
import { foldCase } from './case-fold';
import { canBatch, copyFilesOf } from './copy-batch';
import { upToDateAsListed } from './listed-compare';
import { lookupUnchanged } from '../../fs/unchanged-table';
import type { DestKind, FileEntry } from './copy-one';
import { applyCaseRenames, removeExtras, type CaseRename, type Extra } from './extras';
import { joinRel } from './rel-path';
import { isTempName } from './temp-name';
import { readXattrs, sameXattrs, writeXattrs, type XattrTarget, type Xattrs } from '../../fs/xattrs';
import { attributeNotKept } from './copy-batch';
import { keepOf } from './job-context';
import { KEEP, keepsXattrs, xattrChoice } from './keep-flags';
import { sameDirectoryMeta, type CleanWalkTask, type WalkItem } from './clean-walk';
import { usableDigests } from './walk-digests';
import { sourceRootOf } from './chunk-roots';
import type { FixedDir } from './fix-dir';
import { bookFixed } from './walk-fixed';
import { applyDirMeta } from './dir-meta';
import { hasSizeAgeFilter } from '../../api/selection';
import { listDirectory, type DirMeta, type EntryList, type ListResult, type ListTarget, type ListTask, type SubdirSeen } from './list-dir';

/** One entry of a directory listing, its name decoded (byte-names.ts). */
interface Entry {
  name: string;
  type: 'file' | 'dir' | 'link' | 'other';
  /** Its index in the listing (for its lstat numbers). */
  i: number;
}

/** The size of a file both listings show up to date (listed-compare.ts), by source and destination index. */
type ListedDecision = (srcIndex: number, dstIndex: number) => number | undefined;

interface SubDir {
  name: string;
  /** Its name in the destination (the destination's own case when it keeps it). */
  dstName: string;
  /** The destination's listing holds a directory of this very name. */
  inCopy: boolean;
}

/** Source entries of one directory, sorted into what the job does with them. */
interface Sorted {
  files: FileEntry[];
  subdirs: SubDir[];
  extras: Extra[];
  caseRenames: CaseRename[];
}

interface Listing extends Sorted {
  /** The source directory's status (bigint: times to the nanosecond) and the attributes it keeps. */
  srcStat: DirMeta;
  srcXattrs: Xattrs;
  /** This job made the destination directory (its mode and times are set without looking). */
  made: boolean;
  /** The destination directory as checked; null in a dry run where it does not exist. */
  dst: DirRef | null;
  /** The subdirectories to copy, each with the identity its listing must find again. */
  dirs: Array<SubDir & { src: DirRef }>;
  /** The destination directory as the listing saw it (list-dir.ts); absent when made or unknown. */
  dstSeen?: { meta: DirMeta; xattrs: Xattrs };
  /** The listing made this directory or replaced what was in its way: its parent changed. */
  changedParent: boolean;
}

/** Where a directory's copy goes: a checked directory (a chunk root, `made` by this job or not), or a name inside one. */
export type Target = ListTarget;

/** Path relative to the profile's source root, as the exclude matcher expects. */
function rootRel(ctx: JobContext, rel: string): string {
  return ctx.chunk.relPath ? joinRel(ctx.chunk.relPath, rel) : rel;
}

/**
 * Copies the directory `src` into `target`: its own files always, its subdirectories too for a
 * tree chunk. Every directory is reached through a checked reference (dir-ref.ts): a directory
 * swapped for a link, or replaced, after the job first saw it is refused, never followed, on
 * either side. Listings go through the job's limiter like file copies; the directory's mode and
 * times are set last, on its descriptor, after everything inside it was written (writing inside
 * bumps a directory's mtime). Failures are recorded in the tally; only a problem with the
 * chunk's own root is fatal.
 */
export async function copyDirectory(ctx: JobContext, src: DirRef, target: Target, rel: string, listed?: ListResult): Promise<boolean> {
  if (ctx.signal.aborted) return true;
  const listing = listed ? toListing(ctx, src, rel, listed) : await ctx.limiter.run(() => list(ctx, src, target, rel));
  // Unknown whether a failed listing made or replaced anything: the parent is looked at again.
  if (!listing || ctx.signal.aborted) return true;

  // Extras first: with mirror, a destination directory in the way of a source file (or the
  // other way round) must be gone before the copy of that name starts.
  await removeExtras(ctx, listing.dst, rel, listing.extras);
  const failedRenames = await applyCaseRenames(ctx, listing.dst, rel, listing.caseRenames);
  if (failedRenames.size > 0) keepDestinationCase(listing, failedRenames);

  const wrote = await Promise.all([
    copyFilesOf(ctx, src, listing.dst, rel, listing.files),
    ...subdirGroups(listing.dirs).map((group) => copySubdirs(ctx, listing.dst, rel, group)),
  ]);
  if (ctx.dryRun || ctx.signal.aborted || listing.dst === null) return listing.changedParent;
  // Nothing written, removed, renamed or made in it since the listing: its status is the one seen then.
  const touched = wrote.includes(true) || listing.extras.length > 0 || listing.caseRenames.length > 0;
  setDirectoryAttributes(ctx, listing.dst, listing, rel, listing.made, touched);
  return listing.changedParent;
}

/** Subdirectories listed per copy-thread task: few enough that both threads share a wide directory. */
const LIST_GROUP = 16;

function subdirGroups<T>(dirs: T[]): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < dirs.length; i += LIST_GROUP) groups.push(dirs.slice(i, i + LIST_GROUP));
  return groups;
}

/**
 * Copies some subdirectories of one directory; with copy threads, they are listed together in
 * one task first (one thread round trip instead of one per directory: the main thread's cost of
 * an unchanged re-run), at the point where each would have been listed on its own: after the
 * parent's extras and case renames. Resolves whether any of them changed the parent.
 */
async function copySubdirs(ctx: JobContext, dst: DirRef | null, rel: string, group: Listing['dirs']): Promise<boolean> {
  if (dst !== null && walksOnThreads(ctx)) {
    const left = group.filter((d) => !passedOver(ctx, rel, d));
    if (left.length === 0) return false;
    return walkSubtrees(ctx, left.map((d) => ({ src: d.src, target: { parent: dst, name: d.dstName }, rel: joinRel(rel, d.name) })));
  }
  let listed: Array<ListResult | undefined> = [];
  if (ctx.pool && group.length > 1) {
    listed = await ctx.limiter.run(async () => {
      if (ctx.gate.isClosed) await ctx.gate.wait();
      if (ctx.signal.aborted) return [];
      return ctx.pool!.listMany(group.map((d) => listTask(ctx, d.src, { parent: dst, name: d.dstName })));
    });
  }
  const changed = await Promise.all(group.map((d, i) => copyDirectory(ctx, d.src, { parent: dst, name: d.dstName }, joinRel(rel, d.name), listed[i])));
  return changed.includes(true);
}

/**
 * A subdirectory whose subtree the scan found up to date in its copy (DigestTable.unchanged), and
 * whose copy this listing shows as a directory of that name: booked as the scan counted it, not
 * listed (as clean-walk.ts does below the directories a copy thread lists).
 */
function passedOver(ctx: JobContext, rel: string, d: SubDir): boolean {
  const table = d.inCopy ? usableDigests(ctx).digests?.unchanged : undefined;
  const u = table && lookupUnchanged(table, joinRel(ctx.chunk.relPath, joinRel(rel, d.name)));
  if (!u) return false;
  ctx.tally.stats.filesSkipped += u.files;
  ctx.tally.stats.bytesSkipped += u.bytes;
  ctx.tally.subtreesFromScan++;
  return true;
}

/**
 * Whole subtrees may be walked on a copy thread (clean-walk.ts): where files go to the batches
 * (canBatch: not a dry run, no bandwidth limit) and the job decides per directory alone (not a
 * file-only attempt, which picks its files).
 */
function walksOnThreads(ctx: JobContext): boolean {
  return canBatch(ctx) && ctx.only === undefined && ctx.chunk.kind !== 'files-only';
}

/**
 * Directories listed per walk task at most: a suspend, a kill and the progress wait for one task.
 * A task that puts directories right takes ~1 ms a directory, and near a chunk's end the last task
 * keeps one thread busy while the other waits: at 128 the 1 % changed re-run of 100k files was
 * 1.18× `rsync -a --delete`, at 64 1.10× (11 paired rounds; 32 no better, issue #17).
 */
const WALK_BUDGET = 64;

/**
 * Copies subtrees whose unchanged parts a copy thread walks alone (clean-walk.ts): it books the
 * up-to-date files of every directory that needs nothing, and hands back the listings of the
 * others (copied here as if listed here) and the directories it did not reach (walked again).
 * Resolves whether any item without a `parent` changed the caller's directory; an item whose
 * parent the thread walked sets that parent's attributes again itself when it changed it.
 */
async function walkSubtrees(ctx: JobContext, items: WalkItem[]): Promise<boolean> {
  const done = await ctx.limiter.run(async () => {
    if (ctx.gate.isClosed) await ctx.gate.wait();
    if (ctx.signal.aborted) return undefined;
    return ctx.pool!.walk(walkTask(ctx, items));
  });
  // Killed: like a batch of a killed job, nothing of it is booked.
  if (!done || ctx.signal.aborted) return false;
  ctx.tally.stats.filesSkipped += done.files;
  ctx.tally.stats.bytesSkipped += done.bytes;
  ctx.tally.dirsFromDigest += done.fromDigest;
  ctx.tally.subtreesFromScan += done.fromScan;
  ctx.tally.dirsFromScanListing += done.fromScanListing;
  const afterwards = (item: WalkItem) => async (changed: boolean): Promise<boolean> => {
    if (!changed || !item.parent) return changed;
    const p = item.parent;
    setDirectoryAttributes(ctx, p.dst, { srcStat: p.srcStat, srcXattrs: p.srcXattrs }, p.rel, false, true);
    return false;
  };
  const setAttributes = (d: FixedDir): void => setDirectoryAttributes(ctx, d.dst, { srcStat: d.srcMeta, srcXattrs: asBuffers(d.srcXattrs) }, d.rel, d.made > 0, true);
  const changed = await Promise.all([
    // A directory put right on the thread replaced nothing in its parent; one it made changed
    // the parent, which the thread set again itself unless it is this thread's (changedParent).
    ...done.fixed.map((d) => bookFixed(ctx, d, setAttributes).then(() => d.changedParent === true)),
    ...done.dirty.map((d) => copyDirectory(ctx, d.src, d.target, d.rel, d.listed).then(afterwards(d))),
    // Walked on again, one alone too: a task lists at least one directory unless the job is suspended or killed.
    ...subdirGroups(done.left).map((group) => walkSubtrees(ctx, group)),
  ]);
  return changed.includes(true);
}

/** Bytes a walk task copies at most (fix-dir.ts): its progress is booked when it returns. */
const WALK_COPY_BYTES = 16 * 1024 * 1024;

function walkTask(ctx: JobContext, items: WalkItem[]): CleanWalkTask {
  return {
    items, mode: ctx.dirMode, create: true, replace: ctx.mirror, removeTemps: true, keep: keepOf(ctx), sizeAge: ctx.sizeAge,
    mtimeWindowMs: ctx.opts.mtimeWindowMs, directoryTimes: ctx.preserve.directoryTimes, destinationCaseInsensitive: ctx.destinationCaseInsensitive,
    excludes: ctx.excludeRules, sourceRoot: sourceRootOf(ctx.chunk), chunkRel: ctx.chunk.relPath, flags: ctx.flags, budget: WALK_BUDGET,
    ...usableDigests(ctx),
    ...(fixesOnThreads(ctx) ? {
      fix: {
        mirror: ctx.mirror, streamThresholdBytes: ctx.opts.streamThresholdBytes, umask: ctx.umask, deletions: ctx.deletions.counts,
        deleteLimit: ctx.deletions.threadLimit, maxBytes: WALK_COPY_BYTES,
      },
    } : {}),
  };
}

/**
 * A walk task may put directories right itself (fix-dir.ts) unless the job matches names by case
 * (renames and collisions are decided here) or filters by size or age (an extra file the filter
 * leaves out must stay, which needs its status: extras.ts).
 */
function fixesOnThreads(ctx: JobContext): boolean {
  return !ctx.destinationCaseInsensitive && !hasSizeAgeFilter(ctx.sizeAge);
}

/** Entries whose case rename failed go on under the destination's own spelling. */
function keepDestinationCase(listing: Listing, failed: Map<string, string>): void {
  for (const f of listing.files) f.dstName = failed.get(f.dstName) ?? f.dstName;
  for (const d of listing.dirs) d.dstName = failed.get(d.dstName) ?? d.dstName;
}

/** The destination directory's status and attributes now; undefined when it is no longer the one checked. */
function lookAgain(dst: DirRef, keep: number): (DirMeta & { xattrs: Xattrs }) | undefined {
  let now: fs.BigIntStats | undefined;
  try { now = fs.lstatSync(fsPath(dst.path), { bigint: true }); } catch { return undefined; }
  if (!now?.isDirectory() || Number(now.ino) !== dst.ino || Number(now.dev) !== dst.dev) return undefined;
  const xattrs = keepsXattrs(keep) ? readXattrs({ path: fsPath(dst.path) }, xattrChoice(keep)) : [];
  return { mode: now.mode, uid: now.uid, gid: now.gid, atimeNs: now.atimeNs, mtimeNs: now.mtimeNs, xattrs };
}

/**
 * Gives the destination directory the source's owner, extended attributes (a default ACL
 * included), mode and times, on its descriptor, in that order (chown clears setgid; an ACL
 * rewrites the group bits; each step moves the ctime only). An unchanged re-run finds them equal
 * already and sets nothing: an `untouched` directory (nothing written in it since its listing)
 * is compared as the listing saw it, on its descriptor; another one by one lstat by path, and
 * the attributes read without following (it only decides whether to set anything). A directory
 * this job made is set without looking.
 */
function setDirectoryAttributes(ctx: JobContext, dst: DirRef, src: Pick<Listing, 'srcStat' | 'srcXattrs' | 'dstSeen'>, rel: string, made: boolean, touched: boolean): void {
  const keep = keepOf(ctx);
  const st = src.srcStat;
  const perm = Number(st.mode & 0o7777n);
  const times = ctx.preserve.directoryTimes;
  const owners = (keep & KEEP.owners) !== 0;
  const modes = (keep & KEEP.modes) !== 0;
  let xattrsDiffer = keepsXattrs(keep) && made;
  if (!made) {
    const now = !touched && src.dstSeen ? { ...src.dstSeen.meta, xattrs: src.dstSeen.xattrs } : lookAgain(dst, keep);
    if (!now) return;
    xattrsDiffer = keepsXattrs(keep) && !sameXattrs(src.srcXattrs, now.xattrs);
    if (sameDirectoryMeta(keep, times, st, now) && !xattrsDiffer) return;
  }
  try {
    // Synchronous like the steps themselves: through libuv's pool, the open, fstat and close of
    // each directory woke a pool thread three times, which on two busy cores cost the main thread
    // ~0.3 ms a directory (0.64 s of a full copy of 2,000 directories).
    withDirSync(dst, ctx.dirMode, (dd) => {
      const target: XattrTarget = dd.fd !== undefined ? { fd: dd.fd } : { path: fsPath(dd.ref.path) };
      applyDirMeta(dd, st, {
        chown: owners && (Number(st.uid) !== dd.st.uid || Number(st.gid) !== dd.st.gid),
        xattrs: xattrsDiffer ? () => {
          for (const x of writeXattrs(target, src.srcXattrs, xattrChoice(keep), true)) attributeNotKept(ctx, rel || '.', x.name, x.code);
        } : undefined,
        // Modes not kept: a made directory keeps the owner-only mode it was made with, widened like a new one.
        mode: modes ? perm : (made ? perm & 0o777 & ~ctx.umask : undefined),
        times, atimes: ctx.preserve.atimes,
      });
    });
  } catch (err) {
    ctx.tally.fail(rel || '.', err, 0, false);
  }
}

/** Attribute values cross the thread as Uint8Array; the compare and the writes want Buffers. */
function asBuffers(x: Xattrs): Xattrs {
  return x.map(([name, v]: [string, Uint8Array]) => [name, Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)]);
}

/** Entries as the listing's letters say (list-dir.ts). */
function entriesOf(l: EntryList): Entry[] {
  return l.names.map((name, i) => ({ name, type: ENTRY_TYPES[l.types[i]] ?? 'other', i }));
}

const ENTRY_TYPES: Record<string, Entry['type']> = { f: 'file', d: 'dir', l: 'link', o: 'other' };

/**
 * Reads both sides of one directory; null when it cannot be copied (already recorded). The file
 * system work (list-dir.ts) runs on a copy thread: one round trip per directory, or per group of
 * sibling directories (copySubdirs). The chunk's own root is listed here, synchronously (a dozen
 * calls): a chunk with nothing in it, or only large files, never boots the copy threads. So is
 * every directory without copy threads (`copyThreads: 0`).
 */
async function list(ctx: JobContext, src: DirRef, target: Target, rel: string): Promise<Listing | null> {
  if (ctx.gate.isClosed) await ctx.gate.wait();
  if (ctx.signal.aborted) return null;
  const task = listTask(ctx, src, target);
  return toListing(ctx, src, rel, ctx.pool && rel !== '' ? await ctx.pool.list(task) : listDirectory(task));
}

function listTask(ctx: JobContext, src: DirRef, target: Target): ListTask {
  return { src, target, mode: ctx.dirMode, create: !ctx.dryRun, replace: ctx.mirror && !ctx.dryRun, removeTemps: !ctx.dryRun, keep: keepOf(ctx) };
}

/** A listing's result sorted into what the job does; null when the directory cannot be copied (recorded). */
function toListing(ctx: JobContext, src: DirRef, rel: string, raw: ListResult): Listing | null {
  const isRoot = rel === '';
  if (!raw.ok) {
    // Source unreadable, or destination root unusable: nothing of the directory can be copied.
    const err = fsError(raw.code, raw.message);
    if (isRoot) ctx.tally.fatalError(raw.side === 'src' ? src.path : ctx.chunk.destinationPath, err); else ctx.tally.fail(rel, err, 0, false);
    return null;
  }
  ctx.tally.stats.dirsCreated += raw.created.length;
  ctx.tally.replacedEntries(raw.replaced);
  const sorted = sortEntries(ctx, rel, entriesOf(raw.src), raw.dst ? entriesOf(raw.dst) : [], raw.dst && canBatch(ctx) ? listedDecision(ctx, raw.src, raw.dst) : undefined);
  const dstSeen = raw.dstSeen ? { meta: raw.dstSeen.meta, xattrs: asBuffers(raw.dstSeen.xattrs) } : undefined;
  return {
    ...sorted, srcStat: raw.srcMeta, srcXattrs: asBuffers(raw.srcXattrs), made: raw.made, dst: raw.dstRef, dirs: identifySubdirs(ctx, src, rel, sorted.subdirs, raw.subdirs),
    ...(dstSeen ? { dstSeen } : {}), changedParent: raw.made || raw.replaced.length > 0,
  };
}

/**
 * The identity of each source subdirectory, as the listing read it through its open parent: the
 * subdirectory's own listing reopens it by path and must find that same directory (not a link
 * swapped in since).
 */
function identifySubdirs(ctx: JobContext, src: DirRef, rel: string, subdirs: SubDir[], seen: Record<string, SubdirSeen>): Listing['dirs'] {
  const kept: Listing['dirs'] = [];
  for (const d of subdirs) {
    const st = seen[d.name];
    const r = joinRel(rel, d.name);
    if (st === undefined || 'code' in st) ctx.tally.fail(r, fsError(st?.code ?? 'ENOENT', st?.message ?? `${r} vanished during the copy`), 0, false);
    else if ('notDir' in st) ctx.tally.skipEntry(r, 'changed type during copy');
    else kept.push({ ...d, src: refOf(path.join(src.path, d.name), st) });
  }
  return kept;
}

/**
 * Files whose listings show them up to date are decided here, without a copy batch (an unchanged
 * re-run then posts one task per directory, its listing). Only where the files would go to the
 * batches (copy-batch.ts canBatch): a dry run or a bandwidth-limited job compares one by one.
 */
function listedDecision(ctx: JobContext, src: EntryList, dst: EntryList): ListedDecision {
  const keep = keepOf(ctx);
  const windowMs = ctx.opts.mtimeWindowMs;
  return (si, di) => upToDateAsListed(keep, ctx.sizeAge, windowMs, src.stats, si, dst.stats, di);
}

function sortEntries(ctx: JobContext, rel: string, srcEntries: Entry[], dstEntries: Entry[], decide?: ListedDecision): Sorted {
  const filesOnly = ctx.chunk.kind === 'files-only';
  const key = ctx.destinationCaseInsensitive ? foldCase : (s: string): string => s;
  const dest = new Map(dstEntries.map((d) => [key(d.name), d]));
  // Two source names the destination cannot tell apart: the first wins, the second fails.
  const claimed = new Map<string, string>();
  const listing: Sorted = { files: [], subdirs: [], extras: [], caseRenames: [] };
  for (const e of srcEntries) {
    // Its path is needed for most entries but a file (the hot loop of a large directory).
    const r = ctx.only || e.type !== 'file' ? joinRel(rel, e.name) : '';
    // A file-only attempt: only the listed files and the directories on their way.
    const pick = ctx.only?.pick(r);
    if (pick === 'none' || (pick === 'some' && e.type !== 'dir')) continue;
    const k = key(e.name);
    // Whatever the destination holds under a source name is never an extra of this directory:
    // an excluded name is kept, and a files-only chunk leaves subdirectories (and what is in
    // their place) to other chunks.
    const d = dest.get(k);
    dest.delete(k);
    if (e.type === 'dir') {
      if (filesOnly || ctx.matcher.excludesDir(e.name, rootRel(ctx, r))) continue;
    } else {
      // Links and special files are excluded by name like files (rsync and robocopy /XF do so too).
      if (ctx.matcher.excludesFile(e.name)) continue;
      if (e.type === 'link' && !ctx.preserve.symlinks) { ctx.tally.skipEntry(r, 'symlink'); continue; }
      if (e.type === 'other' && !ctx.preserve.specials) { ctx.tally.skipEntry(r, 'special'); continue; }
    }
    if (ctx.destinationCaseInsensitive) {
      // Names in one directory are unique: only folded names can collide.
      const first = claimed.get(k);
      if (first !== undefined) {
        const rf = joinRel(rel, e.name);
        ctx.tally.fail(rf, fsError('ECASECOLLISION', `${rf} differs from ${joinRel(rel, first)} only in case; the case-insensitive destination cannot hold both`), 0, e.type === 'file');
        continue;
      }
      claimed.set(k, e.name);
    }
    const sameType = d !== undefined && d.type === e.type;
    let dstName = e.name;
    if (d && d.name !== e.name && sameType) {
      // Only on a case-insensitive destination: mirror gives it the source's case, else keep it.
      if (ctx.mirror) listing.caseRenames.push({ from: d.name, to: e.name }); else dstName = d.name;
    }
    if (e.type !== 'dir') {
      let kind: DestKind = !d ? 'none' : d.type === 'file' ? 'file' : 'other';
      if (d?.type === 'dir') {
        // With mirror the directory goes as an extra; without, copyOne reports the collision.
        if (ctx.mirror) listing.extras.push({ name: d.name, isDir: true }); else kind = 'dir';
      }
      const file: FileEntry = { name: e.name, dstName, dest: kind, kind: e.type === 'file' ? 'file' : e.type === 'link' ? 'link' : 'special' };
      if (decide && kind === 'file' && e.type === 'file') {
        const size = decide(e.i, d!.i);
        if (size !== undefined) file.upToDateSize = size;
      }
      listing.files.push(file);
    } else {
      if (d && d.type !== 'dir') {
        if (!ctx.mirror) {
          ctx.tally.fail(r, fsError('ENOTDIR', `a ${d.type === 'link' ? 'symbolic link' : 'file'} is in the way of directory ${r} in the destination (not followed; mirror would replace it)`), 0, false);
          continue;
        }
        listing.extras.push({ name: d.name, isDir: false });
      }
      listing.subdirs.push({ name: e.name, dstName, inCopy: sameType && d.name === e.name });
    }
  }
  // What is left in `dest` has no source counterpart: extras, unless excluded (robocopy keeps
  // excluded destination entries under /MIR) or, for files-only chunks, a directory. Our own
  // stale temp files are removed separately. A file-only attempt looks at its files alone.
  if (ctx.only) return listing;
  for (const d of dest.values()) {
    if (d.type === 'file' && isTempName(d.name)) continue;
    if (d.type === 'dir') {
      if (filesOnly || ctx.matcher.excludesDir(d.name, rootRel(ctx, joinRel(rel, d.name)))) continue;
    } else if (ctx.matcher.excludesFile(d.name)) continue;
    listing.extras.push({ name: d.name, isDir: d.type === 'dir' });
  }
  return listing;
}
