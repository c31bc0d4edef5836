import * as fs from 'node:fs';
import { promises as fsp, type BigIntStats } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { decodeName, fsPath } from '../../fs/byte-names';
import { descend, inTheWayMessage } from '../../fs/dir-chain';
import { at, closeDir, fsError, openDir, refOf, withDir, type DirRef, type OpenDir } from '../../fs/dir-ref';
import type { JobContext } from './job-context';
import { foldCase } from './case-fold';
import { copyFilesOf } from './copy-batch';
import type { DestKind, FileEntry } from './copy-one';
import { applyCaseRenames, removeExtras, type CaseRename, type Extra } from './extras';
import { joinRel } from './rel-path';
import { isTempName } from './temp-name';
import { sameSetTime, setTimesFd, setTimesPath } from '../../fs/file-times';
import { readXattrs, sameXattrs, writeXattrs, type XattrTarget, type Xattrs } from '../../fs/xattrs';
import { attributeNotKept } from './copy-batch';
import { keepOf } from './job-context';
import { KEEP, keepsXattrs, xattrChoice } from './keep-flags';

const fchmod = promisify(fs.fchmod);

/** One entry of a directory listing, its name decoded (byte-names.ts). */
interface Entry {
  name: string;
  type: 'file' | 'dir' | 'link' | 'other';
}

interface SubDir {
  name: string;
  /** Its name in the destination (the destination's own case when it keeps it). */
  dstName: string;
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
  srcStat: BigIntStats;
  srcXattrs: Xattrs;
  /** This job made the destination directory (its mode and times are set without looking). */
  made: boolean;
  /** The destination directory as checked; null in a dry run where it does not exist. */
  dst: DirRef | null;
  /** The subdirectories to copy, each with the identity its listing must find again. */
  dirs: Array<SubDir & { src: DirRef }>;
}

/** Where a directory's copy goes: a checked directory (a chunk root, `made` by this job or not), or a name inside one. */
export type Target = { ref: DirRef | null; made?: boolean } | { parent: DirRef | null; name: string };

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
export async function copyDirectory(ctx: JobContext, src: DirRef, target: Target, rel: string): Promise<void> {
  if (ctx.signal.aborted) return;
  const listing = await ctx.limiter.run(() => list(ctx, src, target, rel));
  if (!listing || ctx.signal.aborted) return;

  // Extras first: with mirror, a destination directory in the way of a source file (or the
  // other way round) must be gone before the copy of that name starts.
  await removeExtras(ctx, listing.dst, rel, listing.extras);
  const failedRenames = await applyCaseRenames(ctx, listing.dst, rel, listing.caseRenames);
  if (failedRenames.size > 0) keepDestinationCase(listing, failedRenames);

  await Promise.all([
    copyFilesOf(ctx, src, listing.dst, rel, listing.files),
    ...listing.dirs.map((d) => copyDirectory(ctx, d.src, { parent: listing.dst, name: d.dstName }, joinRel(rel, d.name))),
  ]);
  if (ctx.dryRun || ctx.signal.aborted || listing.dst === null) return;
  await setDirectoryAttributes(ctx, listing.dst, listing, rel, listing.made);
}

/** Entries whose case rename failed go on under the destination's own spelling. */
function keepDestinationCase(listing: Listing, failed: Map<string, string>): void {
  for (const f of listing.files) f.dstName = failed.get(f.dstName) ?? f.dstName;
  for (const d of listing.dirs) d.dstName = failed.get(d.dstName) ?? d.dstName;
}

/**
 * Gives the destination directory the source's owner, extended attributes (a default ACL
 * included), mode and times, on its descriptor, in that order (chown clears setgid; an ACL
 * rewrites the group bits; each step moves the ctime only). An unchanged re-run finds them equal
 * already (one lstat by path, and the attributes read without following: it only decides whether
 * to set anything) and sets nothing; a directory this job made is set without looking.
 */
async function setDirectoryAttributes(ctx: JobContext, dst: DirRef, src: Listing, rel: string, made: boolean): Promise<void> {
  const keep = keepOf(ctx);
  const st = src.srcStat;
  const perm = Number(st.mode & 0o7777n);
  const times = ctx.preserve.directoryTimes;
  const owners = (keep & KEEP.owners) !== 0;
  const modes = (keep & KEEP.modes) !== 0;
  let xattrsDiffer = keepsXattrs(keep) && made;
  if (!made) {
    const now = await fsp.lstat(fsPath(dst.path), { bigint: true }).catch(() => undefined);
    if (!now?.isDirectory() || Number(now.ino) !== dst.ino || Number(now.dev) !== dst.dev) return;
    xattrsDiffer = keepsXattrs(keep) && !sameXattrs(src.srcXattrs, readXattrs({ path: fsPath(dst.path) }, xattrChoice(keep)));
    if ((!modes || (now.mode & 0o7777n) === (st.mode & 0o7777n))
      && (!times || sameSetTime(now.mtimeNs, st.mtimeNs))
      && (!owners || (now.uid === st.uid && now.gid === st.gid))
      && !xattrsDiffer) return;
  }
  try {
    await withDir(dst, ctx.dirMode, async (dd) => {
      const target: XattrTarget = dd.fd !== undefined ? { fd: dd.fd } : { path: fsPath(dd.ref.path) };
      if (owners && (Number(st.uid) !== dd.st.uid || Number(st.gid) !== dd.st.gid)) {
        if (dd.fd !== undefined) fs.fchownSync(dd.fd, Number(st.uid), Number(st.gid)); else fs.lchownSync(fsPath(dd.ref.path), Number(st.uid), Number(st.gid));
      }
      if (xattrsDiffer) {
        for (const x of writeXattrs(target, src.srcXattrs, xattrChoice(keep), true)) attributeNotKept(ctx, rel || '.', x.name, x.code);
      }
      // Modes not kept: a made directory keeps the owner-only mode it was made with, widened like a new one.
      const mode = modes ? perm : (made ? perm & 0o777 & ~ctx.umask : undefined);
      if (dd.fd !== undefined) {
        if (mode !== undefined) await fchmod(dd.fd, mode);
        if (times) setTimesFd(dd.fd, st, ctx.preserve.atimes);
        return;
      }
      // `path` mode: checked by lstat just before; the window left is documented (docs/safety.md).
      if (mode !== undefined) await fsp.chmod(fsPath(dd.ref.path), mode);
      if (times) setTimesPath(fsPath(dd.ref.path), st, ctx.preserve.atimes);
    });
  } catch (err) {
    ctx.tally.fail(rel || '.', err, 0, false);
  }
}

/**
 * The directory's entries. Names are read as strings (fast); only a directory where one came
 * back with U+FFFD (bytes that are not UTF-8, or a real U+FFFD) is read again as bytes, so such
 * names reach the file system exactly (byte-names.ts).
 */
async function readEntries(dir: OpenDir): Promise<Entry[]> {
  const self = fsPath(dir.self);
  const dirents = await fsp.readdir(self, { withFileTypes: true });
  if (dirents.some((d) => d.name.includes('\ufffd'))) {
    const raw = await fsp.readdir(self, { withFileTypes: true, encoding: 'buffer' });
    return raw.map((d) => ({ name: decodeName(d.name), type: typeOf(d) }));
  }
  return dirents.map((d) => ({ name: d.name, type: typeOf(d) }));
}

function typeOf(d: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): Entry['type'] {
  return d.isFile() ? 'file' : d.isDirectory() ? 'dir' : d.isSymbolicLink() ? 'link' : 'other';
}

/** Reads both sides of one directory; null when it cannot be copied (already recorded). */
async function list(ctx: JobContext, src: DirRef, target: Target, rel: string): Promise<Listing | null> {
  const isRoot = rel === '';
  if (ctx.gate.isClosed) await ctx.gate.wait();
  if (ctx.signal.aborted) return null;
  let sd: OpenDir | undefined;
  let dd: OpenDir | undefined;
  try {
    let srcEntries: Entry[];
    try {
      sd = await openDir(src, ctx.dirMode);
      srcEntries = await readEntries(sd);
    } catch (err) {
      if (isRoot) ctx.tally.fatalError(src.path, err); else ctx.tally.fail(rel, err, 0, false);
      return null;
    }
    let dstEntries: Entry[] = [];
    let made = false;
    try {
      ({ dir: dd, made } = await prepareDestination(ctx, target));
      if (dd) dstEntries = await readEntries(dd);
    } catch (err) {
      // Destination root unusable: nothing of the chunk can be copied.
      if (isRoot) ctx.tally.fatalError(ctx.chunk.destinationPath, err); else ctx.tally.fail(rel, err, 0, false);
      return null;
    }
    const sorted = sortEntries(ctx, rel, srcEntries, dstEntries);
    const dirs = await identifySubdirs(ctx, sd, rel, sorted.subdirs);
    if (dd && !ctx.dryRun) await removeStaleTemps(dd, dstEntries);
    const { srcStat, srcXattrs } = await sourceDirMeta(ctx, sd);
    return { ...sorted, srcStat, srcXattrs, made, dst: dd?.ref ?? null, dirs };
  } finally {
    await closeDir(sd);
    await closeDir(dd);
  }
}

/** The source directory's own status (to the nanosecond) and the attributes the copy keeps. */
async function sourceDirMeta(ctx: JobContext, sd: OpenDir): Promise<{ srcStat: BigIntStats; srcXattrs: Xattrs }> {
  const srcStat = sd.fd !== undefined ? fs.fstatSync(sd.fd, { bigint: true }) : await fsp.lstat(fsPath(sd.ref.path), { bigint: true });
  const keep = keepOf(ctx);
  if (!keepsXattrs(keep)) return { srcStat, srcXattrs: [] };
  const target: XattrTarget = sd.fd !== undefined ? { fd: sd.fd } : { path: fsPath(sd.ref.path) };
  return { srcStat, srcXattrs: readXattrs(target, xattrChoice(keep)) };
}

/**
 * The identity of each source subdirectory, read through its open parent: the subdirectory's own
 * listing reopens it by path and must find that same directory (not a link swapped in since).
 */
async function identifySubdirs(ctx: JobContext, sd: OpenDir, rel: string, subdirs: SubDir[]): Promise<Listing['dirs']> {
  const seen = await Promise.all(subdirs.map((d) => fsp.lstat(at(sd, d.name)).catch((err: unknown) => err as Error)));
  const kept: Listing['dirs'] = [];
  subdirs.forEach((d, i) => {
    const st = seen[i];
    const r = joinRel(rel, d.name);
    if (st instanceof Error) ctx.tally.fail(r, st, 0, false);
    else if (!st.isDirectory()) ctx.tally.skipEntry(r, 'changed type during copy');
    else kept.push({ ...d, src: refOf(path.join(sd.ref.path, d.name), st) });
  });
  return kept;
}

/** Our own temp files left by a copy that was SIGKILLed (no other job writes this directory). */
async function removeStaleTemps(dd: OpenDir, entries: Entry[]): Promise<void> {
  await Promise.all(entries.filter((e) => e.type === 'file' && isTempName(e.name)).map((e) => fsp.unlink(at(dd, e.name)).catch(() => undefined)));
}

/**
 * Makes sure the destination directory exists as a real directory we can write into, opened and
 * checked. A chunk root was resolved by the job already; a subdirectory is reached through its
 * checked parent, created when missing (owner-only until its final mode is set after its
 * contents), and a link or file in its place is replaced under mirror or refused: never followed.
 * A directory left read-only by an earlier run gets owner write back until its final mode is set.
 * Returns undefined in a dry run where the directory does not exist.
 */
async function prepareDestination(ctx: JobContext, target: Target): Promise<{ dir: OpenDir | undefined; made: boolean }> {
  let dir: OpenDir;
  let made = false;
  if ('ref' in target) {
    if (target.ref === null) return { dir: undefined, made };
    dir = await openDir(target.ref, ctx.dirMode);
    made = target.made === true;
  } else {
    if (target.parent === null) return { dir: undefined, made };
    const parent = await openDir(target.parent, ctx.dirMode);
    const r = await descend(parent, [target.name], {
      mode: ctx.dirMode, create: !ctx.dryRun, replace: ctx.mirror && !ctx.dryRun, lastMode: 0o700,
    });
    if (r.status === 'missing') return { dir: undefined, made };
    if (r.status === 'blocked') {
      if (ctx.dryRun) return { dir: undefined, made }; // the parent's listing already reported what is in the way
      throw fsError(r.kind === 'symbolic link' ? 'ELOOP' : 'ENOTDIR', `${inTheWayMessage(r.path, r.kind, r.target)}: not written through (it appeared during the copy)`);
    }
    ctx.tally.stats.dirsCreated += r.created.length;
    ctx.tally.replacedEntries(r.replaced);
    made = r.created.length > 0;
    dir = r.dir;
  }
  try {
    if (!ctx.dryRun && (dir.st.mode & 0o200) === 0) {
      if (dir.fd !== undefined) await fchmod(dir.fd, (dir.st.mode & 0o7777) | 0o700);
      else await fsp.chmod(fsPath(dir.ref.path), (dir.st.mode & 0o7777) | 0o700);
    }
  } catch (err) {
    await closeDir(dir);
    throw err;
  }
  return { dir, made };
}

function sortEntries(ctx: JobContext, rel: string, srcEntries: Entry[], dstEntries: Entry[]): Sorted {
  const filesOnly = ctx.chunk.kind === 'files-only';
  const key = ctx.destinationCaseInsensitive ? foldCase : (s: string): string => s;
  const dest = new Map(dstEntries.map((d) => [key(d.name), d]));
  // Two source names the destination cannot tell apart: the first wins, the second fails.
  const claimed = new Map<string, string>();
  const listing: Sorted = { files: [], subdirs: [], extras: [], caseRenames: [] };
  for (const e of srcEntries) {
    const r = joinRel(rel, e.name);
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
    const first = claimed.get(k);
    if (first !== undefined) {
      ctx.tally.fail(r, fsError('ECASECOLLISION', `${r} differs from ${joinRel(rel, first)} only in case; the case-insensitive destination cannot hold both`), 0, e.type === 'file');
      continue;
    }
    claimed.set(k, e.name);
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
      listing.files.push({ name: e.name, dstName, dest: kind, kind: e.type === 'file' ? 'file' : e.type === 'link' ? 'link' : 'special' });
    } else {
      if (d && d.type !== 'dir') {
        if (!ctx.mirror) {
          ctx.tally.fail(r, fsError('ENOTDIR', `a ${d.type === 'link' ? 'symbolic link' : 'file'} is in the way of directory ${r} in the destination (not followed; mirror would replace it)`), 0, false);
          continue;
        }
        listing.extras.push({ name: d.name, isDir: false });
      }
      listing.subdirs.push({ name: e.name, dstName });
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
