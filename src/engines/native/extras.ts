import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { hasSizeAgeFilter, selectsFile } from '../../api/selection';
import { displayName, fsPath } from '../../fs/byte-names';
import { at, shownPath, withDir, type DirRef, type OpenDir } from '../../fs/dir-ref';
import { removeTree } from '../../fs/remove-tree';
import type { JobContext } from './job-context';
import { joinRel } from './rel-path';

/** A destination entry with no source counterpart (or of the wrong type). */
export interface Extra {
  name: string;
  isDir: boolean;
}

/** A destination entry whose name differs from the source's only in case. */
export interface CaseRename {
  from: string;
  to: string;
}

/**
 * Removes `extras` from the destination directory `dst` when mirroring (each counts once in
 * extrasRemoved, a removed directory with all it holds); otherwise, or in a dry run, only counts
 * them. Everything happens through the checked directory: links are removed as links, never
 * followed, and a directory swapped for a link meanwhile is never entered (remove-tree.ts).
 */
export async function removeExtras(ctx: JobContext, dst: DirRef | null, rel: string, all: Extra[]): Promise<void> {
  if (all.length === 0 || dst === null) return;
  const extras = await withoutFilteredFiles(ctx, dst, all);
  if (!ctx.mirror) { ctx.tally.extras += extras.length; return; }
  if (ctx.dryRun) {
    for (const e of extras) {
      const r = joinRel(rel, e.name);
      // maxDeletes: an extra the budget cannot cover stays where it is (and fails the job).
      const entries = await ctx.deletions.admit(path.join(dst.path, e.name), e.isDir);
      if (entries === 0) continue;
      ctx.logger.info({ extra: displayName(e.name) }, `would remove ${shownPath(dst, e.name)}${e.isDir ? '/' : ''}`);
      ctx.tally.stats.extrasRemoved++;
      ctx.deletions.removed(r, e.isDir, entries);
    }
    return;
  }
  await runInDir(ctx, dst, rel, extras, async (dd, x) => {
    const r = joinRel(rel, x.name);
    // Counted by path (a count only; the removal itself goes through the checked directory).
    const entries = await ctx.deletions.admit(path.join(dst.path, x.name), x.isDir);
    if (entries === 0) return;
    await removeTree(dd, x.name, ctx.dirMode);
    bookRemoved(ctx, r, x.isDir, entries);
  }, (x) => joinRel(rel, x.name));
}

/**
 * Books an extra removed, here or by a copy thread (walk-fixed.ts): the tally, and the deletion
 * listing and events, which log each one (`deleted …`: no line of the engine's own besides, a
 * thousand deletions cost the main thread ~27 ms of log lines each time).
 */
export function bookRemoved(ctx: JobContext, r: string, isDir: boolean, entries: number): void {
  ctx.tally.stats.extrasRemoved++;
  ctx.deletions.removed(r, isDir, entries);
}

/**
 * A mirror never deletes what a filter leaves out: extra files the size or age filters would not
 * select stay (looked at by path: a count of what to leave, nothing is written through it).
 */
async function withoutFilteredFiles(ctx: JobContext, dst: DirRef, extras: Extra[]): Promise<Extra[]> {
  if (!hasSizeAgeFilter(ctx.sizeAge)) return extras;
  const keep = await Promise.all(extras.map(async (e) => {
    if (e.isDir) return true;
    const st = await fsp.lstat(fsPath(path.join(dst.path, e.name))).catch(() => undefined);
    return !st?.isFile() || selectsFile(ctx.sizeAge, st.size, st.mtimeMs);
  }));
  return extras.filter((_, i) => keep[i]);
}

/**
 * Gives destination entries that match a source entry only up to case the source's case, with
 * mirror on a case-insensitive destination: the replica then spells names as the source does
 * (it matters once it is restored to a case-sensitive system). A failed rename is not fatal:
 * the entry keeps its case and is still used under that name.
 */
export async function applyCaseRenames(ctx: JobContext, dst: DirRef | null, rel: string, renames: CaseRename[]): Promise<Map<string, string>> {
  /** Source spelling → the destination's own, for renames that did not happen. */
  const failed = new Map<string, string>();
  if (renames.length === 0 || dst === null) return failed;
  if (ctx.dryRun) {
    for (const c of renames) ctx.logger.info({ from: displayName(c.from), to: displayName(c.to) }, `would rename ${shownPath(dst, c.from)} to ${displayName(c.to)} (case)`);
    return failed;
  }
  await runInDir(ctx, dst, rel, renames, async (dd, c) => {
    try {
      await fsp.rename(at(dd, c.from), at(dd, c.to));
      ctx.logger.info({ from: displayName(c.from), to: displayName(c.to) }, `renamed ${shownPath(dst, c.from)} to ${displayName(c.to)} (case, as in the source)`);
    } catch (err) {
      failed.set(c.to, c.from);
      ctx.logger.warn({ from: displayName(c.from), to: displayName(c.to), err: (err as Error).message }, 'native copy: case rename failed; the destination keeps its own case');
    }
  }, (c) => joinRel(rel, c.from));
  return failed;
}

/** Runs `work` per item in limiter slots, inside `dst` opened and checked once. */
async function runInDir<T>(ctx: JobContext, dst: DirRef, rel: string, items: T[], work: (dd: OpenDir, item: T) => Promise<void>, relOf: (item: T) => string): Promise<void> {
  try {
    await withDir(dst, ctx.dirMode, (dd) => Promise.all(items.map((item) => ctx.limiter.run(async () => {
      if (ctx.gate.isClosed) await ctx.gate.wait();
      if (ctx.signal.aborted) return;
      try {
        await work(dd, item);
      } catch (err) {
        ctx.tally.fail(relOf(item), err, 0, false);
      }
    }))).then(() => undefined));
  } catch (err) {
    // The directory itself changed since its listing: nothing in it is touched.
    ctx.tally.fail(rel || '.', err, 0, false);
  }
}
