import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { JobContext } from './job-context';

/** A destination entry with no source counterpart (or of the wrong type). */
export interface Extra {
  name: string;
  isDir: boolean;
}

/**
 * Removes `extras` from `dstDir` when mirroring (each counts once in extrasRemoved, a removed
 * directory with all it holds); otherwise, or in a dry run, only counts them. Links are
 * removed as links, never followed.
 */
export async function removeExtras(ctx: JobContext, dstDir: string, rel: string, extras: Extra[]): Promise<void> {
  if (extras.length === 0) return;
  if (!ctx.mirror) { ctx.tally.extras += extras.length; return; }
  await Promise.all(extras.map((x) => ctx.limiter.run(async () => {
    if (ctx.gate.isClosed) await ctx.gate.wait();
    if (ctx.signal.aborted) return;
    const r = rel ? `${rel}/${x.name}` : x.name;
    // maxDeletes: an extra the budget cannot cover stays where it is (and fails the job).
    const entries = await ctx.deletions.admit(path.join(dstDir, x.name), x.isDir);
    if (entries === 0) return;
    if (ctx.dryRun) { ctx.tally.stats.extrasRemoved++; ctx.deletions.removed(r, x.isDir, entries); return; }
    try {
      await fsp.rm(path.join(dstDir, x.name), { recursive: x.isDir, force: true });
      ctx.tally.stats.extrasRemoved++;
      ctx.deletions.removed(r, x.isDir, entries);
      ctx.logger.debug({ path: r }, 'native copy: extra removed');
    } catch (err) {
      ctx.tally.fail(r, err, 0, false);
    }
  })));
}
