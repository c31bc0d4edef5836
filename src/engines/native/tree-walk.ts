import type { Dirent, Stats } from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { JobContext } from './job-context';
import { copyFilesOf } from './copy-batch';
import type { DestKind } from './copy-one';
import { removeExtras, type Extra } from './extras';
import { isTempName } from './temp-name';
import { utimesSeconds } from './times';

/** Source entries of one directory, sorted into what the job does with them. */
interface Listing {
  srcStat: Stats;
  files: Array<{ name: string; dest: DestKind }>;
  dirs: string[];
  extras: Extra[];
  /** Our own temp files left by a copy that was SIGKILLed (no other job writes this directory). */
  staleTemps: string[];
}

/** '/'-joined path relative to the chunk directory. */
const join = (rel: string, name: string): string => (rel ? `${rel}/${name}` : name);

/** Path relative to the profile's source root, as the exclude matcher expects. */
function rootRel(ctx: JobContext, rel: string): string {
  return ctx.chunk.relPath ? join(ctx.chunk.relPath, rel) : rel;
}

/**
 * Copies `srcDir` into `dstDir`: its own files always, its subdirectories too for a tree chunk.
 * Listings go through the job's limiter like file copies; the directory's mode and times are
 * set last, after everything inside it was written (writing inside bumps a directory's mtime).
 * Failures are recorded in the tally; only a problem with the chunk's own root is fatal.
 */
export async function copyDirectory(ctx: JobContext, srcDir: string, dstDir: string, rel: string): Promise<void> {
  if (ctx.signal.aborted) return;
  const listing = await ctx.limiter.run(() => list(ctx, srcDir, dstDir, rel));
  if (!listing || ctx.signal.aborted) return;

  // Extras first: with mirror, a destination directory in the way of a source file (or the
  // other way round) must be gone before the copy of that name starts.
  await removeExtras(ctx, dstDir, rel, listing.extras);
  if (!ctx.dryRun) {
    await Promise.all(listing.staleTemps.map((t) => fsp.rm(path.join(dstDir, t), { force: true }).catch(() => undefined)));
  }

  await Promise.all([
    copyFilesOf(ctx, srcDir, dstDir, rel, listing.files),
    ...listing.dirs.map((d) => copyDirectory(ctx, path.join(srcDir, d), path.join(dstDir, d), join(rel, d))),
  ]);
  if (ctx.dryRun || ctx.signal.aborted) return;
  try {
    await fsp.chmod(dstDir, listing.srcStat.mode & 0o7777);
    await fsp.utimes(dstDir, utimesSeconds(listing.srcStat.atimeMs), utimesSeconds(listing.srcStat.mtimeMs));
  } catch (err) {
    ctx.tally.fail(rel || '.', err, 0, false);
  }
}

/** Reads both sides of one directory; null when it cannot be copied (already recorded). */
async function list(ctx: JobContext, srcDir: string, dstDir: string, rel: string): Promise<Listing | null> {
  const isRoot = rel === '';
  const failDir = (err: unknown): null => {
    if (isRoot) ctx.tally.fatalError(srcDir, err); else ctx.tally.fail(rel, err, 0, false);
    return null;
  };
  if (ctx.gate.isClosed) await ctx.gate.wait();
  if (ctx.signal.aborted) return null;
  let srcStat: Stats;
  let srcEntries: Dirent[];
  try {
    // The chunk's own root may be a link the admin chose (/data -> /mnt/disk1); below it, the
    // scanner never followed links and neither do we.
    srcStat = isRoot ? await fsp.stat(srcDir) : await fsp.lstat(srcDir);
    if (!srcStat.isDirectory()) throw Object.assign(new Error(`not a directory: ${srcDir}`), { code: 'ENOTDIR' });
    srcEntries = await fsp.readdir(srcDir, { withFileTypes: true });
  } catch (err) {
    return failDir(err);
  }
  let dstEntries: Dirent[] = [];
  try {
    dstEntries = await prepareDestination(ctx, dstDir, isRoot);
  } catch (err) {
    // Destination root unusable: nothing of the chunk can be copied.
    if (isRoot) { ctx.tally.fatalError(dstDir, err); return null; }
    ctx.tally.fail(rel, err, 0, false);
    return null;
  }
  return sortEntries(ctx, rel, srcStat, srcEntries, dstEntries);
}

/**
 * Makes sure `dstDir` exists as a real directory we can write into, and lists it. A directory
 * left read-only by an earlier run gets owner write back until its final mode is set.
 */
async function prepareDestination(ctx: JobContext, dstDir: string, isRoot: boolean): Promise<Dirent[]> {
  let st: Stats | undefined;
  try {
    st = isRoot ? await fsp.stat(dstDir) : await fsp.lstat(dstDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (!st) {
    if (!ctx.dryRun) {
      // Parents outside the chunk get ordinary modes (their own chunks may never set them);
      // our directory stays owner-only until its final mode is set after its contents.
      if (isRoot) await fsp.mkdir(path.dirname(dstDir), { recursive: true });
      try {
        await fsp.mkdir(dstDir, { mode: 0o700 });
        ctx.tally.stats.dirsCreated++;
        return [];
      } catch (err) {
        // Another chunk's job may have just created it as one of its parents: use it.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !isRoot) throw err;
        st = await fsp.stat(dstDir);
      }
    } else {
      return [];
    }
  }
  // Below the root, never write through a link: a link where a directory belongs is not ours.
  if (!st.isDirectory()) throw Object.assign(new Error(`destination is not a directory: ${dstDir}`), { code: 'ENOTDIR' });
  if (!ctx.dryRun && (st.mode & 0o200) === 0) await fsp.chmod(dstDir, (st.mode & 0o7777) | 0o700);
  return fsp.readdir(dstDir, { withFileTypes: true });
}

function sortEntries(ctx: JobContext, rel: string, srcStat: Stats, srcEntries: Dirent[], dstEntries: Dirent[]): Listing {
  const filesOnly = ctx.chunk.kind === 'files-only';
  const dest = new Map(dstEntries.map((d) => [d.name, d]));
  const listing: Listing = { srcStat, files: [], dirs: [], extras: [], staleTemps: [] };
  for (const e of srcEntries) {
    const d = dest.get(e.name);
    dest.delete(e.name);
    const r = join(rel, e.name);
    if (e.isFile()) {
      if (ctx.matcher.excludesFile(e.name)) continue;
      let dest: DestKind = !d ? 'none' : d.isFile() ? 'file' : 'other';
      if (d?.isDirectory()) {
        // With mirror the directory goes as an extra; without, copyOne reports the collision.
        if (ctx.mirror) listing.extras.push({ name: e.name, isDir: true }); else dest = 'dir';
      }
      listing.files.push({ name: e.name, dest });
    } else if (e.isDirectory()) {
      // A files-only chunk leaves subdirectories (and what is in their place) to other chunks.
      if (filesOnly || ctx.matcher.excludesDir(e.name, rootRel(ctx, r))) continue;
      if (d && !d.isDirectory()) {
        if (!ctx.mirror) { ctx.tally.fail(r, Object.assign(new Error(`a file is in the way of directory ${r}`), { code: 'ENOTDIR' }), 0, false); continue; }
        listing.extras.push({ name: e.name, isDir: false });
      }
      listing.dirs.push(e.name);
    } else {
      ctx.tally.skipEntry(r, e.isSymbolicLink() ? 'symlink' : 'special');
    }
  }
  // What is left in `dest` has no source counterpart: extras, unless excluded (robocopy keeps
  // excluded destination entries under /MIR) or, for files-only chunks, a directory.
  for (const d of dest.values()) {
    if (d.isFile() && isTempName(d.name)) { listing.staleTemps.push(d.name); continue; }
    if (d.isDirectory()) {
      if (filesOnly || ctx.matcher.excludesDir(d.name, rootRel(ctx, join(rel, d.name)))) continue;
    } else if (ctx.matcher.excludesFile(d.name)) continue;
    listing.extras.push({ name: d.name, isDir: d.isDirectory() });
  }
  return listing;
}
