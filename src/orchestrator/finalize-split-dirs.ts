import { promises as fsp } from 'node:fs';
import type { Chunk, Logger } from '../api';
import { mapRelPath } from '../chunk';
import type { ProfileConfig } from '../config/types';
import { profileExcludes } from '../plan/profile-excludes';
import { makeExcludeMatcher } from '../scan';

/** Directories the chunker split: strict ancestors of tree chunks, and files-only chunk dirs. */
export function splitDirectories(chunks: readonly Chunk[]): string[] {
  const dirs = new Set<string>();
  for (const c of chunks) {
    if (c.kind === 'files-only') dirs.add(c.relPath);
    let rel = c.relPath;
    while (rel !== '') {
      rel = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      dirs.add(rel);
    }
  }
  // Deepest first: a parent's mtime is set after its children are final.
  const depth = (rel: string): number => (rel === '' ? 0 : rel.split('/').length);
  return [...dirs].sort((a, b) => depth(b) - depth(a) || (a < b ? -1 : 1));
}

export interface FinalizeResult { extrasRemoved: string[]; problems: string[] }

/**
 * After every chunk of a profile ran: in each directory the chunker split, (1) with mirror,
 * remove destination entries that do not exist in the source and are not excluded — no chunk
 * owns them, since each chunk only mirrors inside its own scope — and (2) give the directory
 * its source mtime back, which the chunks writing inside it have bumped. A directory whose
 * source cannot be listed is left alone: nothing is ever deleted on an incomplete picture.
 */
export async function finalizeSplitDirectories(profile: ProfileConfig, sourceRoot: string, chunks: readonly Chunk[], opts: { dryRun: boolean; logger: Logger }): Promise<FinalizeResult> {
  const result: FinalizeResult = { extrasRemoved: [], problems: [] };
  if (profile.windowsPaths && process.platform !== 'win32') return result;
  const matcher = makeExcludeMatcher(profileExcludes(profile), { sourceRoot });
  for (const rel of splitDirectories(chunks)) {
    const src = mapRelPath(sourceRoot, rel, profile.windowsPaths);
    const dst = mapRelPath(profile.destination, rel, profile.windowsPaths);
    let srcNames: Set<string>;
    let srcStat;
    try {
      srcStat = await fsp.stat(src);
      srcNames = new Set(await fsp.readdir(src));
    } catch (err) {
      result.problems.push(`${rel || '.'}: cannot list the source (${(err as NodeJS.ErrnoException).code}); left as is`);
      continue;
    }
    let dstEntries;
    try { dstEntries = await fsp.readdir(dst, { withFileTypes: true }); } catch { continue; }
    if (profile.mirror) {
      for (const e of dstEntries) {
        if (srcNames.has(e.name)) continue;
        const childRel = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory() ? matcher.excludesDir(e.name, childRel) : matcher.excludesFile(e.name)) continue;
        result.extrasRemoved.push(childRel);
        if (opts.dryRun) continue;
        try { await fsp.rm(mapRelPath(profile.destination, childRel, profile.windowsPaths), { recursive: true, force: true }); } catch (err) {
          result.problems.push(`${childRel}: cannot remove extra (${(err as NodeJS.ErrnoException).code})`);
        }
      }
    }
    if (!opts.dryRun) {
      // lutimes: a link left where the directory belongs (no mirror) gets its own times, never its target's.
      try { await fsp.lutimes(dst, srcStat.atime, srcStat.mtime); } catch (err) {
        result.problems.push(`${rel || '.'}: cannot set times (${(err as NodeJS.ErrnoException).code})`);
      }
    }
  }
  for (const p of result.problems) opts.logger.warn({ profile: profile.name }, `finalize: ${p}`);
  if (result.extrasRemoved.length) opts.logger.info({ profile: profile.name, extras: result.extrasRemoved.slice(0, 50) }, `${opts.dryRun ? 'would remove' : 'removed'} ${result.extrasRemoved.length} extra(s) outside every chunk`);
  return result;
}
