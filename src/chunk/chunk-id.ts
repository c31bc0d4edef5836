import { createHash } from 'node:crypto';
import type { ChunkKind } from '../api';
import { encodeName } from '../fs/byte-names';

/**
 * relPath without leading, trailing or doubled '/'. A backslash is left alone: relPaths are
 * '/'-separated on every platform (the scanner builds them so), and on POSIX a backslash is an
 * ordinary character of a name — `a\b` and `a/b` are different directories with different ids.
 */
export function normaliseRelPath(relPath: string): string {
  return relPath.replace(/\/{2,}/g, '/').replace(/^\/+|\/+$/g, '');
}

/**
 * Stable chunk identity: sha256 of profile, normalised relPath and kind ('\0'-separated, so no
 * two different triples hash the same input), first 16 hex digits. Never built from absolute
 * paths, so a snapshot path or a remapped drive does not change it and a resume finds its
 * chunks again. Case is kept: the scan reports names as the file system stores them.
 * The relPath is hashed as the name's bytes: hashing the string would turn every byte that is
 * not UTF-8 into U+FFFD and give distinct names one id; for UTF-8 names the input is unchanged.
 */
export function chunkId(profile: string, relPath: string, kind: ChunkKind): string {
  return createHash('sha256')
    .update(`${profile}\0`)
    .update(encodeName(normaliseRelPath(relPath)))
    .update(`\0${kind}`)
    .digest('hex')
    .slice(0, 16);
}
