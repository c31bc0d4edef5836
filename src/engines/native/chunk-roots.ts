import type { Chunk } from '../../api';
import { displayName } from '../../fs/byte-names';
import { inTheWayMessage, walkDirChain } from '../../fs/dir-chain';
import { fsError, type DirRef } from '../../fs/dir-ref';
import type { JobContext } from './job-context';

/** A chunk path split into the profile's root (the admin's choice) and the components below it. */
export interface RootSplit {
  root: string;
  parts: string[];
}

/**
 * `p` (a chunk's source or destination path) minus the chunk's relPath: the profile's root and
 * the components below it. When the two do not line up (a chunk built by hand), the whole path
 * counts as the root.
 */
export function splitChunkPath(p: string, relPath: string): RootSplit {
  if (relPath === '') return { root: p, parts: [] };
  const tail = relPath.split('/').filter((s) => s !== '');
  const all = p.split(/[\\/]/);
  while (all.length > 1 && all[all.length - 1] === '') all.pop();
  const same = all.length > tail.length && tail.every((t, i) => all[all.length - tail.length + i] === t);
  if (!same) return { root: p, parts: [] };
  const head = all.slice(0, all.length - tail.length);
  return { root: head.join('/') || '/', parts: tail };
}

/** The checked roots a job copies from and to; dst is null in a dry run where it does not exist. */
export interface ChunkRoots {
  src: DirRef;
  dst: DirRef | null;
  /** The job made the destination directory itself. */
  made: boolean;
}

/**
 * Resolves the chunk's source and destination directories component by component below the
 * profile's roots, never following a link (dir-chain.ts). A source component that is no longer a
 * directory is fatal (the tree changed since the scan; nothing is read through it). A destination
 * component that is a link or file is replaced under mirror (the entry removed, its target never
 * touched) and fatal otherwise. Missing destination directories are created. Returns null when
 * the chunk cannot be copied (the fatal error is recorded).
 */
export async function resolveChunkRoots(ctx: JobContext): Promise<ChunkRoots | null> {
  const { chunk } = ctx;
  const s = splitChunkPath(chunk.sourcePath, chunk.relPath);
  let src: DirRef;
  try {
    const r = await walkDirChain(s.root, s.parts, { mode: ctx.dirMode, create: false, replace: false });
    if (r.status === 'missing') throw fsError('ENOENT', `source directory ${displayName(r.path)} does not exist`);
    if (r.status === 'blocked') {
      throw fsError(r.kind === 'symbolic link' ? 'ELOOP' : 'ENOTDIR',
        `${inTheWayMessage(r.path, r.kind, r.target)}: the source changed since the scan; it is not followed and nothing is read through it`);
    }
    src = r.ref;
  } catch (err) {
    ctx.tally.fatalError(chunk.sourcePath, err);
    return null;
  }
  const d = splitChunkPath(chunk.destinationPath, chunk.relPath);
  try {
    const r = await walkDirChain(d.root, d.parts, { mode: ctx.dirMode, create: !ctx.dryRun, replace: ctx.mirror && !ctx.dryRun });
    if (r.status === 'missing') return { src, dst: null, made: false };
    if (r.status === 'blocked') {
      if (ctx.mirror) {
        ctx.logger.info({ path: displayName(r.path) }, `would replace ${inTheWayMessage(r.path, r.kind, r.target)} with a directory`);
        ctx.tally.stats.extrasRemoved++;
        return { src, dst: null, made: false };
      }
      throw fsError(r.kind === 'symbolic link' ? 'ELOOP' : 'ENOTDIR',
        `${inTheWayMessage(r.path, r.kind, r.target)}: robocurse never writes through it; remove it, or use mirror to have it replaced`);
    }
    ctx.tally.stats.dirsCreated += r.created.length;
    ctx.tally.replacedEntries(r.replaced);
    return { src, dst: r.ref, made: r.created.includes(chunk.destinationPath) || r.replaced.length > 0 };
  } catch (err) {
    ctx.tally.fatalError(chunk.destinationPath, err);
    return null;
  }
}

/** The profile's source root as seen from the chunk, for absolute exclude-dir patterns. */
export function sourceRootOf(chunk: Chunk): string | undefined {
  const s = splitChunkPath(chunk.sourcePath, chunk.relPath);
  return chunk.relPath === '' || s.parts.length > 0 ? s.root : undefined;
}
