/**
 * The file-system half of listing one directory of a copy (tree-walk.ts decides what to do with
 * it): open and check the source directory, read it, reach (make, or replace what is in the way
 * of) the destination directory, read it, remove our stale temp files, look at each source
 * subdirectory's identity, and read the source directory's own status and attributes.
 *
 * Run on a copy worker thread with synchronous calls: one thread round trip per directory
 * instead of about a dozen thread-pool trips from the main thread (each wakes a pool thread,
 * 20-50 µs on a loaded machine, which made the main thread the bottleneck of a re-run). The
 * calls, their order and the never-follow checks are those of the asynchronous path.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fsPath } from '../../fs/byte-names';
import { F, LIST_FIELDS, listStat, lstatError, type StatListing } from '../../fs/list-stat';
import { descendOneSync, inTheWayMessage, type Replaced } from '../../fs/dir-chain';
import { at, childPath, closeDirSync, fsError, openDirSync, refOf, type DirMode, type DirRef, type OpenDir } from '../../fs/dir-ref';
import { readXattrs, type Xattrs } from '../../fs/xattrs';
import { keepsXattrs, xattrChoice } from './keep-flags';
import { isTempName } from './temp-name';
import type { DigestTable } from '../../api';
import { listingDigest } from '../../fs/listing-digest';
import { lookupDigest } from '../../fs/digest-table';
import { takeKept } from '../../fs/kept-listings';

/**
 * Where a directory's copy goes: a checked directory (`ref`, a chunk root), or `name` inside a
 * checked parent. `seen`: the child's identity as the parent's listing saw it; the directory is
 * then opened by path and checked to be that one (one open fewer than through the parent), and
 * reached through the parent as without it when it is gone or another one now.
 */
export type ListTarget = { ref: DirRef | null; made?: boolean } | { parent: DirRef | null; name: string; seen?: { dev: number; ino: number } };

export interface ListTask {
  src: DirRef;
  target: ListTarget;
  mode: DirMode;
  /** Make a missing destination directory (not in a dry run). */
  create: boolean;
  /** Replace a link or file where the destination directory belongs (mirror, not a dry run). */
  replace: boolean;
  /** Remove our own stale temp files from the destination directory (not in a dry run). */
  removeTemps: boolean;
  /** What is kept besides the data (keep-flags.ts): whether the source's attributes are read. */
  keep: number;
}

/** A directory's entries: names (surrogate-escaped where not UTF-8), one type letter and the lstat numbers of each. */
export type EntryList = StatListing;

/** A directory's status as a copy uses it (bigint: times to the nanosecond). */
export interface DirMeta { mode: bigint; uid: bigint; gid: bigint; atimeNs: bigint; mtimeNs: bigint }

/** A source subdirectory as its parent's open descriptor showed it. */
export type SubdirSeen = { dev: number; ino: number } | { notDir: true } | { code: string; message: string };

export type ListResult =
  /** `side` could not be used (the error as code and message: Error objects lose `code` across threads). */
  | { ok: false; side: 'src' | 'dst'; code: string; message: string }
  | {
    ok: true;
    src: EntryList;
    /** Absent when there is no destination directory (a dry run where it does not exist). */
    dst?: EntryList;
    made: boolean;
    created: string[];
    replaced: Replaced[];
    dstRef: DirRef | null;
    /** Every source entry of type directory, by name. */
    subdirs: Record<string, SubdirSeen>;
    srcMeta: DirMeta;
    srcXattrs: Xattrs;
    /** `src` is the destination's own listing, which the scan's digest showed equal to the source's (DigestCheck). */
    fromDigest?: true;
    /** `src` is the scan's own listing of the directory, kept for the copy (kept-listings.ts). */
    fromScanListing?: true;
    /**
     * The destination directory as the listing left it (after its own temp removal), when it
     * was there already: an unchanged directory is then compared with the source without
     * looking at it again (tree-walk.ts, setDirectoryAttributes).
     */
    dstSeen?: { meta: DirMeta; xattrs: Xattrs };
  };

/**
 * The directory's entries with an lstat of each (list-stat.ts: one call of the helper). Names
 * reach the file system exactly (byte-names.ts); the numbers let the walk find unchanged files
 * without a batch (tree-walk.ts).
 */
function readEntriesSync(dir: OpenDir): EntryList {
  return listStat(dir.self);
}

const ENOENT = os.constants.errno.ENOENT;

function codeOf(err: unknown): string {
  const c = (err as NodeJS.ErrnoException | null)?.code;
  return typeof c === 'string' ? c : 'UNKNOWN';
}

function failure(side: 'src' | 'dst', err: unknown): ListResult {
  return { ok: false, side, code: codeOf(err), message: err instanceof Error ? err.message : String(err) };
}

/** The destination directory, reached as prepareDestination in tree-walk.ts does. */
function destinationSync(task: ListTask): { dir: OpenDir | undefined; made: boolean; created: string[]; replaced: Replaced[] } {
  const t = task.target;
  if ('ref' in t) {
    if (t.ref === null) return { dir: undefined, made: false, created: [], replaced: [] };
    return writable(task, openDirSync(t.ref, task.mode), t.made === true, [], []);
  }
  if (t.parent === null) return { dir: undefined, made: false, created: [], replaced: [] };
  const known = t.seen && seenChild(t.parent, t.name, t.seen, task.mode);
  if (known) return writable(task, known, false, [], []);
  const parent = openDirSync(t.parent, task.mode);
  try {
    const r = descendOneSync(parent, t.name, { mode: task.mode, create: task.create, replace: task.replace, lastMode: 0o700 });
    if (r.status === 'missing') return { dir: undefined, made: false, created: [], replaced: r.replaced };
    if (r.status === 'blocked') {
      if (!task.create) return { dir: undefined, made: false, created: [], replaced: r.replaced }; // dry run: the parent's listing reported it
      throw fsError(r.kind === 'symbolic link' ? 'ELOOP' : 'ENOTDIR', `${inTheWayMessage(r.path, r.kind, r.target)}: not written through (it appeared during the copy)`);
    }
    return writable(task, r.dir, r.created.length > 0, r.created, r.replaced);
  } finally {
    closeDirSync(parent);
  }
}

/** `name` in `parent` opened by path and checked to be the directory `seen`; undefined when it is not (gone, replaced, unreadable). */
function seenChild(parent: DirRef, name: string, seen: { dev: number; ino: number }, mode: DirMode): OpenDir | undefined {
  try {
    return openDirSync(refOf(childPath(parent.path, name), seen), mode);
  } catch {
    return undefined;
  }
}

/** A directory left read-only by an earlier run gets owner write back until its final mode is set. */
function writable(task: ListTask, dir: OpenDir, made: boolean, created: string[], replaced: Replaced[]): ReturnType<typeof destinationSync> {
  try {
    if (task.create && (dir.st.mode & 0o200) === 0) {
      if (dir.fd !== undefined) fs.fchmodSync(dir.fd, (dir.st.mode & 0o7777) | 0o700);
      else fs.chmodSync(fsPath(dir.ref.path), (dir.st.mode & 0o7777) | 0o700);
    }
  } catch (err) {
    closeDirSync(dir);
    throw err;
  }
  return { dir, made, created, replaced };
}

/** A checked directory's status, on its descriptor (by path in `path` mode). */
function metaOf(dir: OpenDir): DirMeta {
  const st = dir.fd !== undefined ? fs.fstatSync(dir.fd, { bigint: true }) : fs.lstatSync(fsPath(dir.ref.path), { bigint: true });
  return { mode: st.mode, uid: st.uid, gid: st.gid, atimeNs: st.atimeNs, mtimeNs: st.mtimeNs };
}

/** A source subdirectory's identity, from the lstat of its listing (relative to the open directory). */
function subdirSeen(src: EntryList, i: number, sd: OpenDir): SubdirSeen {
  const o = i * LIST_FIELDS;
  const errno = src.stats[o + F.errno];
  if (errno !== 0) {
    const err = lstatError(`${sd.ref.path}${path.sep}${src.names[i]}`, errno);
    return { code: err.code ?? 'UNKNOWN', message: err.message };
  }
  return (src.stats[o + F.mode] & fs.constants.S_IFMT) === fs.constants.S_IFDIR ? { dev: src.stats[o + F.dev], ino: src.stats[o + F.ino] } : { notDir: true };
}

/** A source subdirectory's identity by its own lstat, inside the checked directory (a listing by digest has none). */
function subdirLooked(sd: OpenDir, name: string): SubdirSeen {
  try {
    const st = fs.lstatSync(at(sd, name));
    return st.isDirectory() ? { dev: st.dev, ino: st.ino } : { notDir: true };
  } catch (err) {
    return { code: codeOf(err), message: err instanceof Error ? err.message : String(err) };
  }
}

/** What a listing by digest needs besides the listing task. */
export interface DigestCheck {
  table: DigestTable;
  /** The directory's path below the source root ('/'-separated; '' for the root). */
  rootRel: string;
}

/**
 * True when the destination's listing is up to date with the source as the scan listed it: its
 * digest (made while listing it, over every entry) is the scan's digest of the source directory
 * at that path, and (where extended attributes are kept) no source file's ctime is newer than the
 * oldest copy's. Equal digests mean equal entries, so a match also says the destination holds no
 * entry the job excludes (the scan made no digest for a directory with one) and no temp file of
 * ours the source lacks; a source file that merely has a temp file's name is removed from the
 * destination above and compared again in full (walkClean), as without digests.
 */
function matchesScan(dst: EntryList, check: DigestCheck, keep: number): boolean {
  const d = listingDigest(dst, 'dst');
  if (!d) return false;
  const srcCtimeMs = lookupDigest(check.table, d.digest);
  return srcCtimeMs !== undefined && !(keepsXattrs(keep) && srcCtimeMs > d.ctimeMs);
}

/**
 * Lists one directory of a copy, both sides (see the top of this file). Never throws.
 *
 * With `digest` (a re-run's walk, walk-digests.ts), the destination is listed first, and when its
 * digest is one the scan made of a source directory at this path, its listing stands for the
 * source's (`fromDigest`): the source directory is still opened and checked, its own status and
 * attributes read and each subdirectory's identity taken by an lstat, but not listed again.
 */
export function listDirectory(task: ListTask, digest?: DigestCheck, held?: HeldDirs): ListResult {
  let sd: OpenDir | undefined;
  let dd: OpenDir | undefined;
  try {
    let src: EntryList | undefined;
    try {
      sd = openDirSync(task.src, task.mode);
      if (!digest) src = readEntriesSync(sd);
    } catch (err) {
      return failure('src', err);
    }
    let dst: EntryList | undefined;
    let reached: ReturnType<typeof destinationSync>;
    try {
      reached = destinationSync(task);
      dd = reached.dir;
      if (dd) dst = digest ? listStat(dd.self, { rel: digest.rootRel, fields: digest.table.fields }) : readEntriesSync(dd);
    } catch (err) {
      return failure('dst', err);
    }
    if (dd && dst && task.removeTemps) {
      dst.names.forEach((name, i) => {
        if (dst.types[i] !== 'f' || !isTempName(name)) return;
        try { fs.unlinkSync(at(dd!, name)); } catch { /* gone already */ }
        // Gone now: never "up to date" for a source file of that name (tree-walk.ts), which is copied again.
        dst.stats[i * LIST_FIELDS + F.errno] = ENOENT;
      });
    }
    const subdirs: Record<string, SubdirSeen> = {};
    let fromScanListing = false;
    // Only a destination that was there as it is: one made or replaced just now is compared in full.
    const asListed = digest && dst && !reached.made && reached.replaced.length === 0 && matchesScan(dst, digest, task.keep) ? dst : undefined;
    if (asListed) {
      src = asListed;
      asListed.names.forEach((name, i) => {
        if (asListed.types[i] === 'd') subdirs[name] = subdirLooked(sd!, name);
      });
    } else {
      try {
        if (!src && digest?.table.listings) {
          src = takeKept(digest.table.listings, digest.rootRel, sd.self, sd.st);
          fromScanListing = src !== undefined;
        }
        src ??= readEntriesSync(sd);
      } catch (err) {
        return failure('src', err);
      }
      const listed = src;
      listed.names.forEach((name, i) => {
        if (listed.types[i] === 'd') subdirs[name] = subdirSeen(listed, i, sd!);
      });
    }
    let srcMeta: DirMeta;
    let srcXattrs: Xattrs;
    try {
      srcMeta = metaOf(sd);
      srcXattrs = keepsXattrs(task.keep) ? readXattrs(sd.fd !== undefined ? { fd: sd.fd } : { path: fsPath(sd.ref.path) }, xattrChoice(task.keep)) : [];
    } catch (err) {
      return failure('src', err);
    }
    let dstSeen: { meta: DirMeta; xattrs: Xattrs } | undefined;
    // A directory made just now is read too when a copy thread may put it right next (held:
    // clean-walk.ts): its mode is the owner-only one it was made with, its attributes may be a
    // default ACL inherited from its parent, and the thread compares them with the source's.
    if (dd && (!reached.made || held)) {
      try {
        dstSeen = { meta: metaOf(dd), xattrs: keepsXattrs(task.keep) ? readXattrs(dd.fd !== undefined ? { fd: dd.fd } : { path: fsPath(dd.ref.path) }, xattrChoice(task.keep)) : [] };
      } catch {
        dstSeen = undefined; // looked at again at the end, as without this
      }
    }
    const listed: ListResult = {
      ok: true, src, ...(dst ? { dst } : {}), ...(asListed ? { fromDigest: true as const } : {}), ...(fromScanListing ? { fromScanListing: true as const } : {}), made: reached.made, created: reached.created, replaced: reached.replaced, dstRef: dd?.ref ?? null, subdirs, srcMeta, srcXattrs,
      ...(dstSeen ? { dstSeen } : {}),
    };
    if (held) {
      held.src = sd;
      held.dst = dd;
      sd = dd = undefined;
    }
    return listed;
  } finally {
    closeDirSync(sd);
    closeDirSync(dd);
  }
}

/**
 * The directories a listing checked and opened, left open for its caller instead of closed
 * (walkClean, which puts the directory right next: fix-dir.ts): opening and checking them again
 * cost a changed directory three opens, three fstats and three closes (issue #17). The caller
 * closes them (closeHeld).
 */
export interface HeldDirs { src?: OpenDir; dst?: OpenDir }

export function closeHeld(held: HeldDirs): void {
  closeDirSync(held.src);
  closeDirSync(held.dst);
  held.src = held.dst = undefined;
}

/**
 * Lists several directories in one task (the subdirectories of one directory, tree-walk.ts): one
 * thread round trip for all of them. Each result is what listDirectory gives for it alone.
 */
export function listDirectories(tasks: ListTask[]): ListResult[] {
  return tasks.map((t) => listDirectory(t));
}
