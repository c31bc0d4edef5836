/**
 * The copy thread's second case in a walk (clean-walk.ts; issue #17, the nightly re-run with
 * 1 % changed): a directory whose listing shows nothing but files to copy (new ones, or changed
 * ones where the destination holds a file) and destination files without a source counterpart is
 * put right on the thread, in the same task as its listing. The files go through the copy
 * batch's own code (copy-worker.ts: the same checks, temp file and rename); the extra files are
 * unlinked under mirror, each first reserved against the job's shared maxDeletes count
 * (deletion-counts.ts), or only counted without mirror; then the directory's owner, mode and
 * times are set on its checked descriptor, as the main thread would (tree-walk.ts).
 *
 * A directory the listing made (a new subtree) is put right here like any other: it is empty, so
 * all its files are new, and its parent's times are set again after the mkdir (fixParentTimes).
 *
 * Everything else stays with the main thread, as before: directories to remove, links, special
 * files, anything in the way of another type, attributes that differ, large or hard-linked files,
 * a directory whose final mode would shut the walk below it out (clean-walk.ts). So do files a
 * batch hands back (a sparse file, an owner to fix, a kill or suspend midway): the directory then
 * goes back with them, and the main thread copies them and sets the directory's attributes
 * afterwards. What the thread did comes back as a FixedDir, which the main thread books exactly
 * as a batch and a deletion of its own (walk-fixed.ts).
 */
import * as fs from 'node:fs';
import { at, closeDirSync, openDirSync, type DirRef, type OpenDir } from '../../fs/dir-ref';
import { sameSetTime } from '../../fs/file-times';
import type { Xattrs } from '../../fs/xattrs';
import { batchWrote, Outcome, type BatchResult, type BatchTask } from './batch-protocol';
import { releaseDeletions, reserveDeletions } from './deletion-counts';
import { applyDirMeta } from './dir-meta';
import { KEEP } from './keep-flags';
import type { DirMeta, HeldDirs } from './list-dir';
import { joinRel } from './rel-path';

/** What a walk task may put right itself (absent: it only walks clean subtrees). */
export interface FixOptions {
  mirror: boolean;
  streamThresholdBytes: number;
  /** The process umask (a worker cannot read it), for modes that are not kept. */
  umask: number;
  /** The job's deletion counts and limit, shared with the main thread (deletion-counts.ts). */
  deletions: Int32Array;
  deleteLimit: number;
  /** Bytes one task copies at most: progress is booked when the task returns. */
  maxBytes: number;
}

/**
 * Files one directory may have to copy and still be put right on the thread, in one batch (the
 * task's byte cap, WALK_COPY_BYTES, bounds them too). At 64 (the main thread's batch size) the
 * 10,000-file directories of a 1 % changed tree (~200 files to copy each) went back to the main
 * thread, which sorted their listings again and removed their extras through libuv's pool.
 */
export const MAX_FIX_FILES = 256;

/** A directory as its listing showed it, and what it needs (clean-walk.ts planListing). */
export interface FixWork {
  rel: string;
  src: DirRef;
  dst: DirRef;
  srcMeta: DirMeta;
  srcXattrs: Xattrs;
  /** The destination directory as the listing saw it. */
  seen: DirMeta;
  /** Files to copy: names and one DEST_CODES letter each ('n' none there, 'f' a file there). */
  copy: string[];
  dests: string;
  /** Destination entries (not directories) without a source counterpart. */
  extras: string[];
  /** Both directories as the listing opened and checked them (HeldDirs), used instead of opening them again; the caller closes them. */
  open?: OpenDirs;
  /** Directories the listing made (this one: 1), 0 when it was there: a made one gets its mode without looking, as tree-walk.ts does. */
  made: number;
}

/** A batch's two directories, open and checked: a listing's held ones. */
export type OpenDirs = Required<HeldDirs>;

/** What a copy thread did to one directory, for the main thread to book (walk-fixed.ts). */
export interface FixedDir {
  rel: string;
  src: DirRef;
  dst: DirRef;
  /** The files given to the batch, and its result (absent when there was none to copy). */
  names: string[];
  dests: string;
  result?: BatchResult;
  /** Extras unlinked. */
  removed: string[];
  /** Extras that had turned into directories: removed by the main thread (as trees, budget and all). */
  removeLater: string[];
  /** Extras counted, not removed (no mirror). */
  extras: number;
  /** Deletions or attributes that failed, by path in the chunk. */
  errors: Array<{ rel: string; code: string; message: string }>;
  /** The directory's owner, mode and times are set; false: the main thread sets them after the files handed back. */
  attrsSet: boolean;
  /** Directories the listing made: counted as created (dirsCreated). */
  made: number;
  /** Making it changed a directory of the main thread's (the walk task's own item): its attributes are set again there. */
  changedParent?: boolean;
  srcMeta: DirMeta;
  srcXattrs: Xattrs;
}

/** The batch function of the copy worker (copy-worker.ts), handed in: that module imports this one's caller. */
export type CopyBatch = (task: BatchTask, open?: OpenDirs) => BatchResult;

/** The batch fields a walk task decides; the rest comes from the directory (see fixDirectory). */
export type BatchBase = Omit<BatchTask, 'src' | 'dst' | 'names' | 'dests' | 'tagFirst'>;

/**
 * Puts one directory right (see the top of this file); undefined when its destination directory
 * is no longer the one listed (the main thread then takes the listing and reports it).
 */
export function fixDirectory(w: FixWork, fix: FixOptions, base: BatchBase, tagFirst: number, copy: CopyBatch, directoryTimes: boolean): FixedDir | undefined {
  let dd: OpenDir;
  try {
    dd = w.open?.dst ?? openDirSync(w.dst, base.mode);
  } catch {
    return undefined;
  }
  const out: FixedDir = {
    rel: w.rel, src: w.src, dst: w.dst, names: w.copy, dests: w.dests, removed: [], removeLater: [], extras: 0, errors: [],
    attrsSet: false, srcMeta: w.srcMeta, srcXattrs: w.srcXattrs, made: w.made,
  };
  try {
    if (fix.mirror) removeExtraFiles(dd, w, fix, out); else out.extras = w.extras.length;
    if (w.copy.length > 0) out.result = copy({ ...base, src: w.src, dst: w.dst, names: w.copy, dests: w.dests, tagFirst }, w.open);
    // Files handed back (or not started) are the main thread's: it sets the attributes after them.
    const settled = out.removeLater.length === 0 && (out.result === undefined || !out.result.outcomes.some((o) => o === Outcome.HandBack || o === Outcome.NotStarted));
    if (settled) {
      const wrote = out.removed.length > 0 || (out.result !== undefined && batchWrote(out.result));
      try {
        setDirMeta(dd, w, base, directoryTimes, wrote || w.made > 0);
        out.attrsSet = true;
      } catch (err) {
        out.errors.push({ rel: w.rel || '.', ...errorOf(err) });
        out.attrsSet = true; // reported; the main thread would fail the same way
      }
    }
  } finally {
    if (!w.open) closeDirSync(dd);
  }
  return out;
}

/** Unlinks the extra files (never following a link: unlink removes the link itself), each reserved first. */
function removeExtraFiles(dd: OpenDir, w: FixWork, fix: FixOptions, out: FixedDir): void {
  for (const name of w.extras) {
    // maxDeletes: an extra the budget cannot cover stays (held: the job ends Error).
    if (!reserveDeletions(fix.deletions, fix.deleteLimit, 1)) continue;
    try {
      fs.unlinkSync(at(dd, name));
      out.removed.push(name);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Gone already: removed, as remove-tree.ts counts it.
      if (code === 'ENOENT') out.removed.push(name);
      // A directory now (Linux says EISDIR; EPERM elsewhere): counted and removed as a tree by the main thread.
      else if (code === 'EISDIR' || code === 'EPERM') { releaseDeletions(fix.deletions, 1); out.removeLater.push(name); }
      else out.errors.push({ rel: joinRel(w.rel, name), ...errorOf(err) });
    }
  }
}

/**
 * The source's owner, mode and times on the checked destination directory, in that order (chown
 * clears setgid), each only where the listing showed it differs; the times also once anything
 * was written in it (that moved its mtime). A directory made by the listing, where modes are not
 * kept, is widened from the owner-only mode it was made with as a new one would be (the
 * source's permissions less the umask), as tree-walk.ts does.
 */
function setDirMeta(dd: OpenDir, w: FixWork, base: BatchBase, directoryTimes: boolean, wrote: boolean): void {
  const { keep } = base;
  const st = w.srcMeta;
  const seen = w.seen;
  const perm = Number(st.mode & 0o7777n);
  const chown = (keep & KEEP.owners) !== 0 && (seen.uid !== st.uid || seen.gid !== st.gid);
  const modes = (keep & KEEP.modes) !== 0;
  applyDirMeta(dd, st, {
    chown,
    mode: modes ? (chown || (seen.mode & 0o7777n) !== (st.mode & 0o7777n) ? perm : undefined) : (w.made > 0 ? perm & 0o777 & ~base.umask : undefined),
    times: directoryTimes && (wrote || !sameSetTime(seen.mtimeNs, st.mtimeNs)),
    atimes: (keep & KEEP.atimes) !== 0,
  });
}

/**
 * The source's times again on a directory whose walk made a subdirectory in it (the mkdir moved
 * its mtime; nothing else of it changes); a failure is reported with the directory it concerns.
 */
export function fixParentTimes(parent: { rel: string; dst: DirRef; srcStat: DirMeta }, o: { mode: BatchBase['mode']; keep: number; directoryTimes: boolean }, out: FixedDir): void {
  if (!o.directoryTimes) return;
  try {
    const pd = openDirSync(parent.dst, o.mode);
    try {
      applyDirMeta(pd, parent.srcStat, { chown: false, times: true, atimes: (o.keep & KEEP.atimes) !== 0 });
    } finally {
      closeDirSync(pd);
    }
  } catch (err) {
    out.errors.push({ rel: parent.rel || '.', ...errorOf(err) });
  }
}

function errorOf(err: unknown): { code: string; message: string } {
  const e = err as NodeJS.ErrnoException;
  return { code: typeof e?.code === 'string' ? e.code : 'UNKNOWN', message: e instanceof Error ? e.message : String(err) };
}
