/**
 * The thread half of an unchanged subtree (issue #17): a copy thread lists directory after
 * directory of a chunk (list-dir.ts, exactly as for the tree walk) and keeps going down as long
 * as a directory needs nothing at all: every source file up to date as listed
 * (listed-compare.ts), every source subdirectory there as a directory, no destination entry
 * without a source counterpart, no link or special file, the directory's own mode, owner, times
 * and attributes already equal. Such a directory is booked here (its files and bytes counted
 * as skipped) and the main thread never sees it: an unchanged re-run then costs the main thread
 * one task per group of subtrees instead of one step per directory.
 *
 * With `fix` (tree-walk.ts sets it where it can), a directory that needs only what fix-dir.ts
 * does (files to copy, extra files, its own mode, owner or times) is put right here as well, in
 * the same task, and the walk goes on below it: the nightly re-run with 1 % changed touches nearly
 * every directory, and each one was a main-thread step and two more thread round trips.
 *
 * Anything else ends the walk below that directory: its listing goes back as it is (`dirty`),
 * and the main thread does with it exactly what it does with a listing of its own
 * (tree-walk.ts). So does every other decision: directories to remove, case renames, links,
 * hard links, filters, failures. Directories not reached (the task's budget, a suspend or a kill)
 * go back as `left`, unlisted.
 */
import { randomBytes } from 'node:crypto';
import type { DigestTable, ExcludeRules, SizeAgeFilter } from '../../api';
import { childPath, refOf, type DirMode, type DirRef } from '../../fs/dir-ref';
import { sameSetTime } from '../../fs/file-times';
import { F, LIST_FIELDS, listedIdentity } from '../../fs/list-stat';
import { sameXattrs } from '../../fs/xattrs';
import { makeExcludeMatcher, type ExcludeMatcher } from '../../scan/exclude-matcher';
import { FLAG_KILLED, FLAG_SUSPENDED } from './batch-protocol';
import { fixDirectory, fixParentTimes, MAX_FIX_FILES, type BatchBase, type CopyBatch, type FixedDir, type FixOptions } from './fix-dir';
import { foldCase } from './case-fold';
import { KEEP, keepsXattrs } from './keep-flags';
import { closeHeld, listDirectory, type DigestCheck, type DirMeta, type HeldDirs, type ListResult, type ListTarget, type ListTask } from './list-dir';
import { upToDateAsListed } from './listed-compare';
import { joinRel } from './rel-path';
import { lookupUnchanged } from '../../fs/unchanged-table';
import { isTempName } from './temp-name';
import type { Xattrs } from '../../fs/xattrs';

/** The directory whose walk reached an item: its attributes are set again if the item's copy changes it (made or replaced an entry). */
export interface WalkParent {
  rel: string;
  dst: DirRef;
  srcStat: DirMeta;
  srcXattrs: Xattrs;
}

/** One directory to walk: where it is, where it goes, its path in the chunk. */
export interface WalkItem {
  src: DirRef;
  target: ListTarget;
  rel: string;
  /** Absent for the directories the main thread handed over (their parent is its own). */
  parent?: WalkParent;
}

export interface CleanWalkTask {
  items: WalkItem[];
  /** Listing options, as for each directory's own listing (tree-walk.ts listTask). */
  mode: DirMode;
  create: boolean;
  replace: boolean;
  removeTemps: boolean;
  keep: number;
  sizeAge?: SizeAgeFilter;
  mtimeWindowMs: number;
  directoryTimes: boolean;
  destinationCaseInsensitive: boolean;
  /** The job's exclude rules: excluded entries are passed over as the main thread would. */
  excludes: ExcludeRules;
  sourceRoot?: string;
  /** The chunk's path below the source root ('' for the root): exclude-dir paths are root-relative. */
  chunkRel: string;
  /** The job's kill and suspend flags (batch-protocol.ts), read before each directory. */
  flags: Int32Array;
  /** Directories listed in one task at most: the rest goes back, so progress and a suspend stay prompt. */
  budget: number;
  /** Put directories right on the thread too (fix-dir.ts); absent: only clean subtrees are walked. */
  fix?: FixOptions;
  /** The scan's digests (walk-digests.ts): an unchanged directory's source is not listed again. */
  digests?: DigestTable;
}

export interface CleanWalkResult {
  /** Up-to-date files of the clean directories, and their bytes. */
  files: number;
  bytes: number;
  /** Directories that need the main thread, with their listing. */
  dirty: Array<WalkItem & { listed: ListResult }>;
  /** Directories not listed (budget, suspend, kill). */
  left: WalkItem[];
  /** Directories the thread put right (fix-dir.ts), for the main thread to book. */
  fixed: FixedDir[];
  /** Directories found up to date by the scan's digest, their source not listed again. */
  fromDigest: number;
  /** Subtrees passed over unlisted: the scan found them up to date in the copy (DigestTable.unchanged). */
  fromScan: number;
  /** Directories whose source listing was the scan's (DigestTable.listings). */
  fromScanListing: number;
}

/**
 * Walks the items' subtrees as far as nothing needs doing, or (with `task.fix` and the batch
 * function) as far as the thread can put a directory right itself (fix-dir.ts). Never throws.
 */
export function walkClean(task: CleanWalkTask, copy?: CopyBatch): CleanWalkResult {
  const result: CleanWalkResult = { files: 0, bytes: 0, dirty: [], left: [], fixed: [], fromDigest: 0, fromScan: 0, fromScanListing: 0 };
  const matcher = makeExcludeMatcher(task.excludes, task.sourceRoot === undefined ? {} : { sourceRoot: task.sourceRoot });
  const fix = copy ? task.fix : undefined;
  const batch = fix ? batchBase(task, fix) : undefined;
  let tagNext = 0;
  let bytesLeft = fix?.maxBytes ?? 0;
  // Depth first, in listing order: items are taken from the end.
  const stack = task.items.slice().reverse();
  let listed = 0;
  while (stack.length > 0) {
    if (listed >= task.budget || Atomics.load(task.flags, FLAG_KILLED) !== 0 || Atomics.load(task.flags, FLAG_SUSPENDED) !== 0) {
      result.left.push(...stack.reverse());
      break;
    }
    const item = stack.pop()!;
    listed++;
    const lt: ListTask = { src: item.src, target: item.target, mode: task.mode, create: task.create, replace: task.replace, removeTemps: task.removeTemps, keep: task.keep };
    // Where this thread may put the directory right, the listing leaves both directories open
    // for it (HeldDirs); they are closed before the next directory.
    const held: HeldDirs = {};
    const hold = fix ? held : undefined;
    let r: ListResult;
    let plan: DirPlan | undefined;
    try {
      r = listDirectory(lt, digestCheck(task, item.rel), hold);
      if (r.ok && r.fromScanListing) result.fromScanListing++;
      plan = r.ok && r.dstRef !== null ? planListing(task, matcher, item.rel, r, fix !== undefined) : undefined;
      if (r.ok && r.fromDigest) {
        if (plan && isClean(plan)) result.fromDigest++;
        else {
          // Up to date as the scan saw it, yet the directory needs something (its own times, a
          // hard-linked copy): decided on the source's real listing, as without the digest.
          closeHeld(held);
          r = listDirectory(lt, undefined, hold);
          plan = r.ok && r.dstRef !== null ? planListing(task, matcher, item.rel, r, fix !== undefined) : undefined;
        }
      }
      if (!plan || !r.ok || r.dstRef === null) {
        result.dirty.push({ ...item, listed: r });
        continue;
      }
      if (!isClean(plan)) {
        const open = held.src && held.dst ? { open: { src: held.src, dst: held.dst } } : {};
        const fixed = fix && batch && copy && plan.copyBytes <= bytesLeft && r.dstSeen
          ? fixDirectory({ rel: item.rel, src: item.src, dst: r.dstRef, srcMeta: r.srcMeta, srcXattrs: r.srcXattrs, seen: r.dstSeen.meta, copy: plan.copy, dests: plan.dests, extras: plan.extras, made: r.created.length || (r.made ? 1 : 0), ...open },
            fix, batch, tagNext, copy, task.directoryTimes)
          : undefined;
        if (!fixed) {
          result.dirty.push({ ...item, listed: r });
          continue;
        }
        // Making the directory moved its parent's mtime: a parent this walk reached gets its
        // times again here (after the mkdir, so whichever thread makes its last child sets them
        // last); the main thread's own directory is told, as for a listing it took (changedParent).
        if (fixed.made > 0) {
          if (item.parent) fixParentTimes(item.parent, task, fixed);
          else fixed.changedParent = true;
        }
        result.fixed.push(fixed);
        tagNext += plan.copy.length;
        bytesLeft -= plan.copyBytes;
        // A copied file costs about a quarter of a listing: the task stays about as long as a clean one.
        listed += plan.copy.length / 4;
      }
    } finally {
      closeHeld(held);
    }
    result.files += plan.files;
    result.bytes += plan.bytes;
    const parent: WalkParent = { rel: item.rel, dst: r.dstRef, srcStat: r.srcMeta, srcXattrs: r.srcXattrs };
    for (let k = plan.subdirs.length - 1; k >= 0; k--) {
      const name = plan.subdirs[k];
      // A subtree the scan found up to date in its copy, whose copy this listing shows as a
      // directory (not one made now): booked as the scan counted it, not listed.
      const unchanged = task.digests?.unchanged && plan.inCopy[k] ? lookupUnchanged(task.digests.unchanged, joinRel(task.chunkRel, joinRel(item.rel, name))) : undefined;
      if (unchanged) {
        result.files += unchanged.files;
        result.bytes += unchanged.bytes;
        result.fromScan++;
        continue;
      }
      const seen = r.subdirs[name] as { dev: number; ino: number };
      const copyId = plan.copyIds[k];
      stack.push({ src: refOf(childPath(item.src.path, name), seen), target: { parent: r.dstRef, name, ...(copyId ? { seen: copyId } : {}) }, rel: joinRel(item.rel, name), parent });
    }
  }
  return result;
}

/** The digest lookup for the directory at `rel` of the task's chunk, when the task has the scan's digests. */
function digestCheck(task: CleanWalkTask, rel: string): DigestCheck | undefined {
  if (!task.digests) return undefined;
  return { table: task.digests, rootRel: rel === '' ? task.chunkRel : joinRel(task.chunkRel, rel) };
}

/** The batch fields of every directory a task puts right; temp names under a tag prefix of the task's own. */
function batchBase(task: CleanWalkTask, fix: FixOptions): BatchBase {
  return {
    mode: task.mode, flags: task.flags, streamThresholdBytes: fix.streamThresholdBytes, mtimeWindowMs: task.mtimeWindowMs, keep: task.keep,
    umask: fix.umask, tagPrefix: randomBytes(3).toString('hex'),
  };
}

type OkListing = Extract<ListResult, { ok: true }>;

/** What a listed directory needs, as far as a copy thread may do it (planListing). */
interface DirPlan {
  /** Files up to date as listed, and their bytes. */
  files: number;
  bytes: number;
  /** Subdirectories to walk. */
  subdirs: string[];
  /** For each of `subdirs`: the destination's listing holds it as a directory. */
  inCopy: boolean[];
  /**
   * For each of `subdirs` in the copy: that directory's identity as the destination's listing
   * saw it (an lstat inside the checked parent), for its listing's target (ListTarget.seen).
   */
  copyIds: Array<{ dev: number; ino: number } | undefined>;
  /** Files to copy, one DEST_CODES letter each, and their listed bytes (fix-dir.ts). */
  copy: string[];
  dests: string;
  copyBytes: number;
  /** Destination entries, not directories, without a source counterpart. */
  extras: string[];
  /** The directory's own mode, owner and times are the source's already. */
  sameMeta: boolean;
  /** The listing made the directory (its parent changed: fix-dir.ts). */
  made: boolean;
}

function isClean(p: DirPlan): boolean {
  return p.sameMeta && !p.made && p.copy.length === 0 && p.extras.length === 0;
}

/**
 * What a listing's directory needs, or undefined when the main thread must look at it. Without
 * `fix`, only a directory that needs nothing at all has a plan (isClean); with it, also one whose
 * only needs fix-dir.ts meets: files to copy into a name that is free or holds a file, extra
 * files, its own mode, owner or times. Mirrors the decisions of tree-walk.ts (sortEntries,
 * setDirectoryAttributes) for those cases, and says "main thread" wherever they would do or
 * report anything else.
 */
function planListing(task: CleanWalkTask, matcher: ExcludeMatcher, rel: string, r: OkListing, fix: boolean): DirPlan | undefined {
  const dst = r.dst;
  if (!dst || r.replaced.length > 0 || !r.dstSeen) return undefined;
  // A directory the listing made (a new subtree: the full copy's every directory) is put right
  // here too, with its files; without fix it needs its attributes set, which is the main thread's.
  const made = r.made || r.created.length > 0;
  if (made && !fix) return undefined;
  if (keepsXattrs(task.keep) && !sameXattrs(r.srcXattrs, r.dstSeen.xattrs)) return undefined;
  const sameMeta = sameDirectoryMeta(task.keep, task.directoryTimes, r.srcMeta, r.dstSeen.meta);
  if (!sameMeta && !fix) return undefined;
  if (r.fromDigest) return digestPlan(r, sameMeta);
  // Both listings come sorted the same way (list-stat.ts): an unchanged directory lists the same
  // names at the same places, and needs no Map built entry by entry (a third of the walk's own time).
  const aligned = r.src.names.length === dst.names.length && r.src.names.every((n, i) => n === dst.names[i]);
  const dstIndex = aligned ? undefined : new Map(dst.names.map((n, i) => [n, i]));
  const folded = task.destinationCaseInsensitive ? new Set<string>() : undefined;
  const rootRel = (n: string): string => joinRel(task.chunkRel, joinRel(rel, n));
  const plan: DirPlan = { files: 0, bytes: 0, subdirs: [], inCopy: [], copyIds: [], copy: [], dests: '', copyBytes: 0, extras: [], sameMeta, made };
  const src = r.src;
  for (let i = 0; i < src.names.length; i++) {
    const name = src.names[i];
    const type = src.types[i];
    const di = dstIndex ? dstIndex.get(name) : i;
    // The destination's entry of that name is never an extra, excluded or not.
    dstIndex?.delete(name);
    if (type === 'd' ? matcher.excludesDir(name, rootRel(name)) : matcher.excludesFile(name)) continue;
    if (type !== 'f' && type !== 'd') return undefined; // links and special files: copied or reported there
    if (folded) {
      const k = foldCase(name);
      if (folded.has(k)) return undefined; // a case collision: reported there
      folded.add(k);
    }
    if (di !== undefined && dst.types[di] !== type) return undefined;
    if (type === 'd') {
      // A subdirectory the destination lacks is made by its own listing, which hands it back.
      if (di === undefined && !fix) return undefined;
      const seen = r.subdirs[name];
      if (seen === undefined || !('ino' in seen)) return undefined;
      plan.subdirs.push(name);
      plan.inCopy.push(di !== undefined);
      plan.copyIds.push(di === undefined ? undefined : listedIdentity(dst.stats, di));
      continue;
    }
    const size = di === undefined ? undefined : upToDateAsListed(task.keep, task.sizeAge, task.mtimeWindowMs, src.stats, i, dst.stats, di);
    if (size !== undefined) {
      plan.files++;
      plan.bytes += size;
      continue;
    }
    const copyBytes = fix ? toCopy(task, src.stats, i) : undefined;
    if (copyBytes === undefined) return undefined;
    plan.copy.push(name);
    plan.dests += di === undefined ? 'n' : 'f';
    plan.copyBytes += copyBytes;
  }
  // Left in the destination: extras (to delete, or to count without mirror) unless excluded or our temp files.
  for (const [name, di] of dstIndex ?? []) {
    const type = dst.types[di];
    if (type === 'f' && isTempName(name)) continue;
    if (type === 'd' ? matcher.excludesDir(name, rootRel(name)) : matcher.excludesFile(name)) continue;
    if (type === 'd' || !fix) return undefined; // a directory to remove: counted and removed as a tree there
    plan.extras.push(name);
  }
  if (plan.copy.length > MAX_FIX_FILES) return undefined;
  // The thread sets a directory's mode before it walks the subdirectories (their listings make
  // them in it): a mode without the owner's write and search would shut an unprivileged run out
  // of it. Such a directory is the main thread's, which sets the mode after everything inside.
  if (plan.subdirs.length > 0 && (finalPerm(task, r, made) & 0o300) !== 0o300) return undefined;
  return plan;
}

/** The permissions fix-dir.ts leaves on the destination directory (setDirMeta): the source's, widened from 0700 for a made one where modes are not kept, else as it is. */
function finalPerm(task: CleanWalkTask, r: OkListing, made: boolean): number {
  if ((task.keep & KEEP.modes) !== 0) return Number(r.srcMeta.mode & 0o777n);
  return made ? Number(r.srcMeta.mode & 0o777n) & ~(task.fix?.umask ?? 0o077) : Number(r.dstSeen!.meta.mode & 0o777n);
}

/**
 * The plan of a directory whose listing matched the scan's digest (list-dir.ts): its source
 * listing is the destination's, so each file is up to date as listed and nothing is extra; and
 * the scan makes no digest for a listing with a link, special file or excluded entry, nor for a
 * job with a size or age filter or a case-insensitive destination (walk-digests.ts). What is left
 * of planListing's work: the counts, and each subdirectory's identity as looked at.
 */
function digestPlan(r: OkListing, sameMeta: boolean): DirPlan | undefined {
  const plan: DirPlan = { files: 0, bytes: 0, subdirs: [], inCopy: [], copyIds: [], copy: [], dests: '', copyBytes: 0, extras: [], sameMeta, made: false };
  const { names, types, stats } = r.src;
  for (let i = 0; i < names.length; i++) {
    if (types[i] === 'f') {
      plan.files++;
      plan.bytes += stats[i * LIST_FIELDS + F.size];
      continue;
    }
    const seen = r.subdirs[names[i]];
    if (types[i] !== 'd' || seen === undefined || !('ino' in seen)) return undefined;
    plan.subdirs.push(names[i]);
    // The listing is the destination's own (matched by digest).
    plan.inCopy.push(true);
    plan.copyIds.push(listedIdentity(stats, i));
  }
  return plan;
}

/**
 * The listed size of a source file a copy thread may copy itself, or undefined when the main
 * thread must (a failed lstat, a file above the stream threshold, a name of a hard-linked inode).
 */
function toCopy(task: CleanWalkTask, stats: Float64Array, i: number): number | undefined {
  const o = i * LIST_FIELDS;
  if (stats[o + F.errno] !== 0) return undefined;
  const size = stats[o + F.size];
  if (size > (task.fix?.streamThresholdBytes ?? 0)) return undefined;
  if ((task.keep & KEEP.hardLinks) !== 0 && stats[o + F.nlink] > 1) return undefined;
  return size;
}

/**
 * The destination directory's mode, times and owner are already the source's, as far as the job
 * keeps them (`directoryTimes`: preserve.directoryTimes). Its attributes are compared apart: the
 * tree walk also needs to know whether they differ (setDirectoryAttributes in tree-walk.ts).
 */
export function sameDirectoryMeta(keep: number, directoryTimes: boolean, st: DirMeta, now: DirMeta): boolean {
  if ((keep & KEEP.modes) !== 0 && (now.mode & 0o7777n) !== (st.mode & 0o7777n)) return false;
  if (directoryTimes && !sameSetTime(now.mtimeNs, st.mtimeNs)) return false;
  return (keep & KEEP.owners) === 0 || (now.uid === st.uid && now.gid === st.gid);
}
