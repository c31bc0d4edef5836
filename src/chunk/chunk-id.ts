import { createHash } from 'node:crypto';
import type { ChunkKind } from '../api';

/** relPath with '/' separators and no leading, trailing or doubled separators. */
export function normaliseRelPath(relPath: string): string {
  return relPath.replace(/\\/g, '/').replace(/\/{2,}/g, '/').replace(/^\/+|\/+$/g, '');
}

/**
 * Stable chunk identity: sha256 of profile, normalised relPath and kind ('\0'-separated, so no
 * two different triples hash the same input), first 16 hex digits. Never built from absolute
 * paths, so a snapshot path or a remapped drive does not change it and a resume finds its
 * chunks again. Case is kept: the scan reports names as the file system stores them.
 */
export function chunkId(profile: string, relPath: string, kind: ChunkKind): string {
  return createHash('sha256')
    .update(`${profile}\0${normaliseRelPath(relPath)}\0${kind}`)
    .digest('hex')
    .slice(0, 16);
}
