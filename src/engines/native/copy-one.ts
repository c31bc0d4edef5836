import * as fs from 'node:fs';
import { promises as fsp, type Stats } from 'node:fs';
import { at, closeDir, FILE_READ_FLAGS, openDir, shownPath, type DirRef, type OpenDir } from '../../fs/dir-ref';
import { selectsFile } from '../../api/selection';
import { readXattrs, sameXattrs, writeXattrs } from '../../fs/xattrs';
import { attributeNotKept } from './copy-batch';
import { copyFileAtomically } from './file-copy';
import type { Placed } from './hard-links';
import { keepOf, type JobContext } from './job-context';
import { KEEP, keepsXattrs, xattrChoice } from './keep-flags';
import { joinRel } from './rel-path';
import { copyLink, copySpecial } from './special-entries';
import { tempNameFor } from './temp-name';
import { attributesDiffer, sameFile, sameMtime } from './times';

/** What the destination listing showed under the entry's name. */
export type DestKind = 'none' | 'file' | 'dir' | 'other';

/** A source entry of a listed directory (not a directory), and what the destination has under its name. */
export interface FileEntry {
  name: string;
  /** Its name in the destination: the source's, or the destination's own case (case-insensitive). */
  dstName: string;
  dest: DestKind;
  /** A regular file, a symbolic link, or a FIFO, socket or device. */
  kind: 'file' | 'link' | 'special';
  /**
   * Both directory listings showed this file up to date (listed-compare.ts): its size. Only set
   * for files that would go to a copy batch, which then books it as skipped without a batch.
   */
  upToDateSize?: number;
}

/**
 * One entry, in a limiter slot: a file is skipped when the destination already has the same
 * size and mtime (incremental re-runs cost one lstat per side; an owner, mode or attribute that
 * changed alone is fixed in place), linked when it is another name of a hard-linked file already
 * placed, otherwise copied. Both directories are opened and checked first, and the file is opened
 * without following links: what is read is the file the listing saw, inside the source. `dst` is
 * null only in a dry run of a destination directory that does not exist. Never throws: errors go
 * to the tally, and a kill just stops.
 */
export function copyOne(ctx: JobContext, src: DirRef, dst: DirRef | null, rel: string, f: FileEntry): Promise<void> {
  const r = joinRel(rel, f.name);
  return ctx.limiter.run(async () => {
    if (ctx.gate.isClosed) await ctx.gate.wait();
    if (ctx.signal.aborted) return;
    let sd: OpenDir | undefined;
    let dd: OpenDir | undefined;
    try {
      sd = await openDir(src, ctx.dirMode);
      if (dst) dd = await openDir(dst, ctx.dirMode);
    } catch (err) {
      await closeDir(sd);
      ctx.tally.fail(r, err);
      return;
    }
    try {
      if (f.kind === 'link') await copyLink(ctx, sd, dd, r, f);
      else if (f.kind === 'special') await copySpecial(ctx, sd, dd, r, f);
      else await copyIn(ctx, sd, dd, r, f);
    } finally {
      await closeDir(sd);
      await closeDir(dd);
    }
  });
}

async function copyIn(ctx: JobContext, sd: OpenDir, dd: OpenDir | undefined, rel: string, f: FileEntry): Promise<void> {
  let st: Stats;
  try {
    st = await fsp.lstat(at(sd, f.name));
  } catch (err) {
    ctx.tally.fail(rel, err); // typically ENOENT: the file vanished since the listing
    return;
  }
  if (!st.isFile()) { ctx.tally.skipEntry(rel, 'changed type during copy'); return; }
  if (!selectsFile(ctx.sizeAge, st.size, st.mtimeMs)) return; // left out by the size or age filters
  if (f.dest === 'dir') { ctx.tally.dirInWay(rel, st.size); return; }
  if (!ctx.preserve.hardLinks || st.nlink < 2) { await copyPlain(ctx, sd, dd, rel, f, st); return; }

  const claim = ctx.links.claim(st.dev, st.ino);
  if (claim.first) {
    let placed: Placed | undefined;
    try {
      if (await copyPlain(ctx, sd, dd, rel, f, st) && dd) placed = await placedAt(dd, f.dstName);
    } finally {
      claim.settle(placed);
    }
    return;
  }
  const placed = await claim.placed;
  if (placed && dd && !ctx.dryRun && await linkTo(ctx, placed, dd, rel, f, st)) return;
  await copyPlain(ctx, sd, dd, rel, f, st);
}

/** Where a name now is in the destination, for the other names of its inode. */
async function placedAt(dd: OpenDir, name: string): Promise<Placed | undefined> {
  const d = await fsp.lstat(at(dd, name)).catch(() => undefined);
  return d?.isFile() ? { dir: dd.ref, name, dev: d.dev, ino: d.ino } : undefined;
}

/**
 * Another name of an inode whose first name this job placed: made a hard link to that copy (temp
 * name, then rename over whatever has the name), or left alone when it already is one. False when
 * it cannot be linked (another file system, the copy moved): the caller copies the data instead.
 */
async function linkTo(ctx: JobContext, placed: Placed, dd: OpenDir, rel: string, f: FileEntry, st: Stats): Promise<boolean> {
  const cur = await fsp.lstat(at(dd, f.dstName)).catch(() => undefined);
  if (cur && cur.dev === placed.dev && cur.ino === placed.ino) {
    ctx.tally.stats.filesSkipped++;
    ctx.tally.stats.bytesSkipped += st.size;
    return true;
  }
  const tmp = at(dd, tempNameFor(f.dstName, ctx.tempTags.next()));
  let pd: OpenDir | undefined;
  try {
    pd = await openDir(placed.dir, ctx.dirMode);
    // link() does not follow a link at the old name: at worst a link to a planted link, never to its target.
    await fsp.link(at(pd, placed.name), tmp);
    const made = await fsp.lstat(tmp);
    if (made.ino !== placed.ino || made.dev !== placed.dev) throw Object.assign(new Error('the first copy was replaced meanwhile'), { code: 'ECHANGED' });
    await fsp.rename(tmp, at(dd, f.dstName));
  } catch (err) {
    await fsp.unlink(tmp).catch(() => undefined);
    ctx.logger.debug({ path: rel, err: (err as Error).message }, 'native copy: cannot link to the first name of this file; copying it');
    return false;
  } finally {
    await closeDir(pd);
  }
  ctx.tally.stats.filesCopied++;
  ctx.tally.copied(rel, st.size, cur === undefined);
  ctx.progress.fileDone();
  return true;
}

/** Copies one file (or finds it up to date); true when the destination then holds it. */
async function copyPlain(ctx: JobContext, sd: OpenDir, dd: OpenDir | undefined, rel: string, f: FileEntry, st: Stats): Promise<boolean> {
  if (f.dest === 'file' && dd) {
    const state = await upToDate(ctx, st, dd, f.dstName);
    if (state !== 'differs') {
      if (state === 'attributes' && !ctx.dryRun) await fixAttributes(ctx, sd, dd, rel, f, st);
      ctx.tally.stats.filesSkipped++;
      ctx.tally.stats.bytesSkipped += st.size;
      return true;
    }
  }
  if (ctx.dryRun) {
    // The dry run's listing, as robocopy /L gives it: one line per file that would be copied.
    const shown = shownPath(sd.ref, f.name);
    ctx.logger.info({ file: shown, bytes: st.size }, `would copy ${shown} (${st.size} bytes)`);
    ctx.tally.stats.filesCopied++;
    ctx.tally.stats.bytesCopied += st.size;
    ctx.tally.copied(rel, st.size, f.dest === 'none');
    return true;
  }
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(at(sd, f.name), FILE_READ_FLAGS);
  } catch (err) {
    // ELOOP: a link stands where the lstat saw a file; it is not followed.
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') ctx.tally.skipEntry(rel, 'changed type during copy'); else ctx.tally.fail(rel, err, st.size);
    return false;
  }
  try {
    const now = await fh.stat({ bigint: true });
    if (!sameFile(now, st)) { ctx.tally.skipEntry(rel, 'changed type during copy'); return false; }
    ctx.progress.startFile(rel);
    const bytes = await copyFileAtomically(ctx, dd!, {
      src: fh, srcPath: ctx.dirMode === 'proc' ? `/proc/self/fd/${fh.fd}` : at(sd, f.name), dstName: f.dstName, rel, st: now,
    });
    ctx.tally.stats.filesCopied++;
    ctx.tally.stats.bytesCopied += bytes;
    ctx.tally.copied(rel, bytes, f.dest === 'none');
    ctx.progress.fileDone();
    return true;
  } catch (err) {
    if (!ctx.signal.aborted) ctx.tally.fail(rel, err, st.size); // killed: not a failure of this file
    return false;
  } finally {
    await fh.close();
  }
}

async function upToDate(ctx: JobContext, st: Stats, dd: OpenDir, name: string): Promise<'same' | 'attributes' | 'differs'> {
  try {
    const d = await fsp.lstat(at(dd, name));
    if (!d.isFile() || d.size !== st.size || !sameMtime(d.mtimeMs, st.mtimeMs, ctx.opts.mtimeWindowMs)) return 'differs';
    return attributesDiffer(keepOf(ctx), st, d) ? 'attributes' : 'same';
  } catch {
    return 'differs'; // gone since the listing: copy it
  }
}

/**
 * Unchanged data whose owner, mode or extended attributes changed in the source: set them on the
 * destination file itself, opened without following a link and checked to be the file the
 * lstat saw. Times are not touched (they are the same).
 */
async function fixAttributes(ctx: JobContext, sd: OpenDir, dd: OpenDir, rel: string, f: FileEntry, st: Stats): Promise<void> {
  const keep = keepOf(ctx);
  let fd: number | undefined;
  try {
    fd = fs.openSync(at(dd, f.dstName), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    const d = fs.fstatSync(fd);
    if (!d.isFile()) return;
    if ((keep & KEEP.owners) !== 0 && (d.uid !== st.uid || d.gid !== st.gid)) fs.fchownSync(fd, st.uid, st.gid);
    if (keepsXattrs(keep)) {
      const choice = xattrChoice(keep);
      const want = readXattrs({ path: at(sd, f.name) }, choice);
      if (!sameXattrs(want, readXattrs({ fd }, choice))) {
        for (const x of writeXattrs({ fd }, want, choice, true)) attributeNotKept(ctx, rel, x.name, x.code);
      }
    }
    // After chown (which clears setuid and setgid) and ACLs (which rewrite the group bits).
    if ((keep & KEEP.modes) !== 0) fs.fchmodSync(fd, st.mode & 0o7777);
    ctx.logger.debug({ path: rel }, 'native copy: owner, mode or attributes updated (data unchanged)');
  } catch (err) {
    ctx.tally.fail(rel, err, 0);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
