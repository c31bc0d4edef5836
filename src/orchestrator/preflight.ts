import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chunk, DirNode, DirTree, Scanner } from '../api';
import type { ProfileConfig } from '../config/types';
import { profileExcludes } from '../plan/profile-excludes';

/**
 * Checks made per profile before any of its chunks is copied, so a run that cannot succeed
 * says why at once instead of failing chunk after chunk:
 * - the source root can be listed (a share that is gone gives EIO/ENOTCONN, not EACCES);
 * - the destination root can be written (as the system answers access(2): nothing is written);
 * - the destination has room for the planned bytes not already there.
 */

export { PreflightError } from '../errors/run-errors';

/** Why the source root cannot be read; undefined when it can. */
export async function sourceUnreadable(root: string): Promise<string | undefined> {
  try {
    const dir = await fs.promises.opendir(root);
    try { await dir.read(); } finally { await dir.close(); }
    return undefined;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return `source ${root} cannot be read (${err.code ?? err.message}): nothing was copied`;
  }
}

/**
 * Why the destination root cannot be written; undefined when it can. Asks the system (access
 * W_OK: a read-only mount answers EROFS, a folder of another user EACCES) and writes nothing, so
 * the destination's own times stay as they are when a later check refuses the profile. A
 * missing root is judged by its nearest existing parent, in which the copy would create it.
 */
export async function destinationUnwritable(root: string): Promise<string | undefined> {
  let at = root;
  for (;;) {
    try {
      await fs.promises.access(at, fs.constants.W_OK);
      return undefined;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const parent = path.dirname(at);
      if (err.code === 'ENOENT' && parent !== at) { at = parent; continue; }
      const where = at === root ? '' : ` (its parent ${at}, where it would be created)`;
      return `destination ${root} cannot be written${where} (${err.code ?? err.message}): nothing was copied`;
    }
  }
}

/** Bytes free for this user on the file system holding `p` (or its nearest existing parent). */
async function freeBytes(p: string): Promise<number> {
  let at = p;
  for (;;) {
    try {
      const st = await fs.promises.statfs(at);
      return Number(st.bavail) * Number(st.bsize);
    } catch (e) {
      const parent = path.dirname(at);
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || parent === at) throw e;
      at = parent;
    }
  }
}

function nodeAt(tree: DirTree, relPath: string): DirNode | undefined {
  let node: DirNode | undefined = tree.rootNode;
  for (const name of relPath.split('/').filter(Boolean)) {
    node = node.children.find((c) => c.name === name);
    if (!node) return undefined;
  }
  return node;
}

export interface SpaceCheck {
  freeBytes: number;
  /** Bytes of the chunks to run. */
  plannedBytes: number;
  /** Planned bytes not already in the destination (per chunk: source minus destination bytes). */
  neededBytes: number;
}

/**
 * Room for the chunks to run. When the free space covers every planned byte nothing more is
 * read; otherwise the destination is scanned (same scanner, same excludes) and each chunk needs
 * only what its source has beyond its destination — a nightly run over an up-to-date copy needs
 * ~0. An estimate: a file changed in place briefly needs its new size as a temp file as well.
 */
export async function checkFreeSpace(profile: ProfileConfig, chunks: Chunk[], scanner: Scanner, signal?: AbortSignal): Promise<SpaceCheck> {
  const free = await freeBytes(profile.destination);
  const planned = chunks.reduce((a, c) => a + c.estimatedBytes, 0);
  if (free >= planned) return { freeBytes: free, plannedBytes: planned, neededBytes: planned };
  let dest: DirTree | undefined;
  try { dest = await scanner.scan(profile.destination, { excludes: profileExcludes(profile), signal }); } catch (e) {
    if (signal?.aborted) throw e;
  }
  let needed = 0;
  for (const c of chunks) {
    const node = dest && nodeAt(dest, c.relPath);
    const present = node ? (c.kind === 'files-only' ? node.ownBytes : node.totalBytes) : 0;
    needed += Math.max(0, c.estimatedBytes - present);
  }
  return { freeBytes: free, plannedBytes: planned, neededBytes: needed };
}

const MB = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;

/**
 * The free-space finding for the chunks to run: undefined when they fit; else the message and
 * whether the profile is refused (`preflight.requireFreeSpace`; never in a dry run, which writes nothing).
 */
export async function freeSpaceVerdict(profile: ProfileConfig, chunks: Chunk[], scanner: Scanner, dryRun: boolean, signal?: AbortSignal): Promise<{ message: string; refuse: boolean } | undefined> {
  const space = await checkFreeSpace(profile, chunks, scanner, signal);
  if (space.neededBytes <= space.freeBytes) return undefined;
  const refuse = !dryRun && (profile.preflight?.requireFreeSpace ?? false);
  const message = `destination ${profile.destination} has ${MB(space.freeBytes)} free, but the ${chunks.length} chunk(s) to copy need ` +
    `${MB(space.neededBytes)} not already there (${MB(space.plannedBytes)} planned): ` +
    (refuse ? 'profile refused, nothing copied (preflight.requireFreeSpace)' : 'copying anyway; chunks may fail when it is full (set preflight.requireFreeSpace to refuse)');
  return { message, refuse };
}
