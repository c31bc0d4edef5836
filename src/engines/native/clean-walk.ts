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
 * Anything else ends the walk below that directory: its listing goes back as it is (`dirty`),
 * and the main thread does with it exactly what it does with a listing of its own
 * (tree-walk.ts). So does every decision beyond "nothing to do": extras, mirror deletions and
 * their budget, case renames, copies, links, hard links, filters, failures. Directories not
 * reached (the task's budget, a suspend or a kill) go back as `left`, unlisted.
 */
import type { ExcludeRules, SizeAgeFilter } from '../../api';
import { childPath, refOf, type DirMode, type DirRef } from '../../fs/dir-ref';
import { sameSetTime } from '../../fs/file-times';
import { sameXattrs } from '../../fs/xattrs';
import { makeExcludeMatcher, type ExcludeMatcher } from '../../scan/exclude-matcher';
import { FLAG_KILLED, FLAG_SUSPENDED } from './batch-protocol';
import { foldCase } from './case-fold';
import { KEEP, keepsXattrs } from './keep-flags';
import { listDirectory, type DirMeta, type ListResult, type ListTarget, type ListTask } from './list-dir';
import { upToDateAsListed } from './listed-compare';
import { joinRel } from './rel-path';
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
}

export interface CleanWalkResult {
  /** Up-to-date files of the clean directories, and their bytes. */
  files: number;
  bytes: number;
  /** Directories that need the main thread, with their listing. */
  dirty: Array<WalkItem & { listed: ListResult }>;
  /** Directories not listed (budget, suspend, kill). */
  left: WalkItem[];
}

/** Walks the items' subtrees as far as nothing needs doing (see the top of this file). Never throws. */
export function walkClean(task: CleanWalkTask): CleanWalkResult {
  const result: CleanWalkResult = { files: 0, bytes: 0, dirty: [], left: [] };
  const matcher = makeExcludeMatcher(task.excludes, task.sourceRoot === undefined ? {} : { sourceRoot: task.sourceRoot });
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
    const r = listDirectory(lt);
    const clean = r.ok ? cleanListing(task, matcher, item.rel, r) : undefined;
    if (!clean || !r.ok || r.dstRef === null) {
      result.dirty.push({ ...item, listed: r });
      continue;
    }
    result.files += clean.files;
    result.bytes += clean.bytes;
    const parent: WalkParent = { rel: item.rel, dst: r.dstRef, srcStat: r.srcMeta, srcXattrs: r.srcXattrs };
    for (let k = clean.subdirs.length - 1; k >= 0; k--) {
      const name = clean.subdirs[k];
      const seen = r.subdirs[name] as { dev: number; ino: number };
      stack.push({ src: refOf(childPath(item.src.path, name), seen), target: { parent: r.dstRef, name }, rel: joinRel(item.rel, name), parent });
    }
  }
  return result;
}

type OkListing = Extract<ListResult, { ok: true }>;

/**
 * What a listing holds when its directory needs nothing (files and bytes up to date, the
 * subdirectories to walk), or undefined when the main thread must look at it. Mirrors the
 * decisions of tree-walk.ts (sortEntries, setDirectoryAttributes) for that one case, and says
 * "not clean" wherever they would do or report anything.
 */
function cleanListing(task: CleanWalkTask, matcher: ExcludeMatcher, rel: string, r: OkListing): { files: number; bytes: number; subdirs: string[] } | undefined {
  const dst = r.dst;
  if (!dst || r.made || r.created.length > 0 || r.replaced.length > 0 || !r.dstSeen) return undefined;
  if (!sameDirectory(task, r.srcMeta, r.srcXattrs, r.dstSeen.meta, r.dstSeen.xattrs)) return undefined;
  // Both listings come sorted the same way (list-stat.ts): an unchanged directory lists the same
  // names at the same places, and needs no Map built entry by entry (a third of the walk's own time).
  const aligned = r.src.names.length === dst.names.length && r.src.names.every((n, i) => n === dst.names[i]);
  const dstIndex = aligned ? undefined : new Map(dst.names.map((n, i) => [n, i]));
  const folded = task.destinationCaseInsensitive ? new Set<string>() : undefined;
  const rootRel = (n: string): string => joinRel(task.chunkRel, joinRel(rel, n));
  let files = 0;
  let bytes = 0;
  const subdirs: string[] = [];
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
    if (di === undefined || dst.types[di] !== type) return undefined;
    if (type === 'd') {
      const seen = r.subdirs[name];
      if (seen === undefined || !('ino' in seen)) return undefined;
      subdirs.push(name);
      continue;
    }
    const size = upToDateAsListed(task.keep, task.sizeAge, task.mtimeWindowMs, src.stats, i, dst.stats, di);
    if (size === undefined) return undefined;
    files++;
    bytes += size;
  }
  // Left in the destination: extras (to delete, or to count without mirror) unless excluded or our temp files.
  for (const [name, di] of dstIndex ?? []) {
    const type = dst.types[di];
    if (type === 'f' && isTempName(name)) continue;
    if (type === 'd' ? matcher.excludesDir(name, rootRel(name)) : matcher.excludesFile(name)) continue;
    return undefined;
  }
  return { files, bytes, subdirs };
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

/** The destination directory needs no change at all (its attributes included). */
function sameDirectory(task: CleanWalkTask, st: DirMeta, srcX: Xattrs, now: DirMeta, nowX: Xattrs): boolean {
  return sameDirectoryMeta(task.keep, task.directoryTimes, st, now) && (!keepsXattrs(task.keep) || sameXattrs(srcX, nowX));
}
