import { promises as fsp, type Stats } from 'node:fs';
import { at, closeDir, FILE_READ_FLAGS, openDir, shownPath, type DirRef, type OpenDir } from '../../fs/dir-ref';
import { selectsFile } from '../../api/selection';
import type { JobContext } from './job-context';
import { copyFileAtomically } from './file-copy';
import { joinRel } from './rel-path';
import { sameFile, sameMtime } from './times';

/** What the destination listing showed under the file's name. */
export type DestKind = 'none' | 'file' | 'dir' | 'other';

/** A source file of a listed directory, and what the destination has under its name. */
export interface FileEntry {
  name: string;
  /** Its name in the destination: the source's, or the destination's own case (case-insensitive). */
  dstName: string;
  dest: DestKind;
}

/**
 * One file, in a limiter slot: skip it when the destination already has the same size and
 * mtime (incremental re-runs cost one lstat per side), otherwise copy it. Both directories are
 * opened and checked first, and the file is opened without following links: what is read is the
 * file the listing saw, inside the source. `dst` is null only in a dry run of a destination
 * directory that does not exist. Never throws: errors go to the tally, and a kill just stops.
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
      await copyIn(ctx, sd, dd, r, f);
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
  if (f.dest === 'file' && dd && await upToDate(ctx, st, dd, f.dstName)) {
    ctx.tally.stats.filesSkipped++;
    ctx.tally.stats.bytesSkipped += st.size;
    return;
  }
  if (ctx.dryRun) {
    // The dry run's listing, as robocopy /L gives it: one line per file that would be copied.
    const shown = shownPath(sd.ref, f.name);
    ctx.logger.info({ file: shown, bytes: st.size }, `would copy ${shown} (${st.size} bytes)`);
    ctx.tally.stats.filesCopied++;
    ctx.tally.stats.bytesCopied += st.size;
    ctx.tally.copied(rel, st.size, f.dest === 'none');
    return;
  }
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(at(sd, f.name), FILE_READ_FLAGS);
  } catch (err) {
    // ELOOP: a link stands where the lstat saw a file; it is not followed.
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') ctx.tally.skipEntry(rel, 'changed type during copy'); else ctx.tally.fail(rel, err, st.size);
    return;
  }
  try {
    const now = await fh.stat();
    if (!sameFile(now, st)) { ctx.tally.skipEntry(rel, 'changed type during copy'); return; }
    ctx.progress.startFile(rel);
    const bytes = await copyFileAtomically(ctx, dd!, {
      src: fh, srcPath: ctx.dirMode === 'proc' ? `/proc/self/fd/${fh.fd}` : at(sd, f.name),
      dstName: f.dstName, rel, size: now.size, mode: now.mode, atimeMs: now.atimeMs, mtimeMs: now.mtimeMs,
    });
    ctx.tally.stats.filesCopied++;
    ctx.tally.stats.bytesCopied += bytes;
    ctx.tally.copied(rel, bytes, f.dest === 'none');
    ctx.progress.fileDone();
  } catch (err) {
    if (!ctx.signal.aborted) ctx.tally.fail(rel, err, st.size); // killed: not a failure of this file
  } finally {
    await fh.close();
  }
}

async function upToDate(ctx: JobContext, st: Stats, dd: OpenDir, name: string): Promise<boolean> {
  try {
    const d = await fsp.lstat(at(dd, name));
    return d.isFile() && d.size === st.size && sameMtime(d.mtimeMs, st.mtimeMs, ctx.opts.mtimeWindowMs);
  } catch {
    return false; // gone since the listing: copy it
  }
}
