import * as path from 'node:path';
import type { FsView } from './fs-view';
import { BTRFS_SUPER_MAGIC, fsTypeName, SUBVOLUME_ROOT_INO } from './fs-types';

/** Where a source sits in btrfs terms. */
export interface SubvolumeLocation {
  /** The source with links resolved. */
  realSource: string;
  /** Root directory of the subvolume holding it. */
  root: string;
  /** The source relative to `root` ('' when the source is the root). */
  rel: string;
}

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/**
 * Finds the subvolume a path lives in: the nearest directory at or above it whose inode is 256
 * (every subvolume root has that inode, and only subvolume roots do on btrfs). Walking up stops
 * where btrfs stops: a path reached through a bind mount of a directory inside a subvolume has no
 * subvolume root above it, and that is reported rather than guessed.
 */
export async function locateSubvolume(fsv: FsView, source: string): Promise<SubvolumeLocation> {
  let realSource: string;
  try {
    realSource = await fsv.realpath(source);
  } catch (err) {
    throw new Error(`cannot snapshot ${source}: ${errnoCode(err) === 'ENOENT' ? 'it does not exist' : (err as Error).message}`);
  }
  const type = await fsv.fsType(realSource);
  if (type !== BTRFS_SUPER_MAGIC) {
    throw new Error(`cannot snapshot ${source}: it is not on a btrfs filesystem (found ${fsTypeName(type)}${realSource !== source ? ` at ${realSource}` : ''}); the btrfs snapshot provider needs a source on btrfs`);
  }
  let dir = realSource;
  for (;;) {
    const st = await fsv.stat(dir);
    if (st.ino === SUBVOLUME_ROOT_INO && st.isDirectory) break;
    const parent = path.dirname(dir);
    const parentType = parent === dir ? undefined : await fsv.fsType(parent);
    if (parentType !== BTRFS_SUPER_MAGIC) {
      throw new Error(`cannot snapshot ${source}: it is on btrfs but not inside a btrfs subvolume that can be reached: no subvolume root (inode 256) between ${realSource} and ${dir}, whose parent ${parent === dir ? 'does not exist' : `${parent} is on ${fsTypeName(parentType!)}`} (a bind mount of a directory inside a subvolume?); point the profile at a path under a mounted subvolume`);
    }
    dir = parent;
  }
  return { realSource, root: dir, rel: path.relative(dir, realSource) };
}

/** True when `inner` is `outer` or below it (both absolute, normalised). */
export function isSameOrInside(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
