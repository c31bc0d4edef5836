import * as path from 'node:path';
import { promises as fsp, type Stats } from 'node:fs';
import type { JobContext } from './job-context';
import { copyFileAtomically } from './file-copy';
import { sameMtime } from './times';

/** What the destination listing showed under the file's name. */
export type DestKind = 'none' | 'file' | 'dir' | 'other';

/**
 * One file, in a limiter slot: skip it when the destination already has the same size and
 * mtime (incremental re-runs cost one lstat per side), otherwise copy it. Never throws: errors
 * go to the tally, and a kill just stops.
 */
export function copyOne(ctx: JobContext, src: string, dst: string, rel: string, dest: DestKind): Promise<void> {
  return ctx.limiter.run(async () => {
    if (ctx.gate.isClosed) await ctx.gate.wait();
    if (ctx.signal.aborted) return;
    let st: Stats;
    try {
      st = await fsp.lstat(src);
    } catch (err) {
      ctx.tally.fail(rel, err); // typically ENOENT: the file vanished since the listing
      return;
    }
    if (!st.isFile()) { ctx.tally.skipEntry(rel, 'changed type during copy'); return; }
    if (dest === 'dir') {
      ctx.tally.fail(rel, Object.assign(new Error(`a directory is in the way of file ${rel}`), { code: 'EISDIR' }), st.size);
      return;
    }
    if (dest === 'file' && await upToDate(ctx, st, dst)) {
      ctx.tally.stats.filesSkipped++;
      ctx.tally.stats.bytesSkipped += st.size;
      return;
    }
    if (ctx.dryRun) {
      // The dry run's listing, as robocopy /L gives it: one line per file that would be copied.
      ctx.logger.info({ file: rel, bytes: st.size }, `would copy ${path.join(ctx.chunk.sourcePath, rel)} (${st.size} bytes)`);
      ctx.tally.stats.filesCopied++;
      ctx.tally.stats.bytesCopied += st.size;
      return;
    }
    ctx.progress.startFile(rel);
    try {
      const bytes = await copyFileAtomically(ctx, { src, dst, rel, size: st.size, mode: st.mode, atimeMs: st.atimeMs, mtimeMs: st.mtimeMs });
      ctx.tally.stats.filesCopied++;
      ctx.tally.stats.bytesCopied += bytes;
      ctx.progress.fileDone();
    } catch (err) {
      if (ctx.signal.aborted) return; // killed: not a failure of this file
      ctx.tally.fail(rel, err, st.size);
    }
  });
}

async function upToDate(ctx: JobContext, st: Stats, dst: string): Promise<boolean> {
  try {
    const d = await fsp.lstat(dst);
    return d.isFile() && d.size === st.size && sameMtime(d.mtimeMs, st.mtimeMs, ctx.opts.mtimeWindowMs);
  } catch {
    return false; // gone since the listing: copy it
  }
}
