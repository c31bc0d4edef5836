import { promises as fsp, type Dirent } from 'node:fs';
import * as path from 'node:path';
import type { Chunk, CopyOptions } from '../../api';
import { countEntriesBelow } from '../../fs/count-entries';
import { decodeName, fsPath } from '../../fs/byte-names';
import { makeExcludeMatcher, type ExcludeMatcher } from '../../scan/exclude-matcher';

type Options = Pick<CopyOptions, 'excludeFiles' | 'excludeDirs' | 'caseInsensitive' | 'includeFiles' | 'destinationCaseInsensitive'>;

async function list(dir: string): Promise<Dirent<Buffer>[]> {
  try {
    return await fsp.readdir(fsPath(dir), { withFileTypes: true, encoding: 'buffer' });
  } catch {
    return [];
  }
}

/**
 * How many destination entries a mirror of `chunk` would delete right now: every destination
 * entry without a source entry of the same name (or with a file where the source has a directory
 * and the other way round), a directory counted with all it holds; excluded entries are kept, as
 * a mirror keeps them, and a files-only chunk leaves directories alone. Links are never followed.
 *
 * For engines that have no deletion limit of their own (robocopy): the count is taken before
 * the engine starts, so deletions that become due while it runs (the source losing files in the
 * meantime) are not in it.
 */
export async function countMirrorDeletions(chunk: Chunk, options: Options): Promise<number> {
  const matcher = makeExcludeMatcher({ excludeFiles: options.excludeFiles, excludeDirs: options.excludeDirs, caseInsensitive: options.caseInsensitive, includeFiles: options.includeFiles });
  const key = options.destinationCaseInsensitive ? (n: string): string => n.toLowerCase() : (n: string): string => n;
  return countIn(chunk.sourcePath, chunk.destinationPath, chunk.relPath, chunk.kind === 'files-only', matcher, key);
}

async function countIn(src: string, dst: string, rootRel: string, filesOnly: boolean, matcher: ExcludeMatcher, key: (n: string) => string): Promise<number> {
  const [dstEntries, srcEntries] = await Promise.all([list(dst), list(src)]);
  if (dstEntries.length === 0) return 0;
  const inSource = new Map(srcEntries.map((e) => [key(decodeName(e.name)), e.isDirectory()]));
  let count = 0;
  const below: Promise<number>[] = [];
  for (const d of dstEntries) {
    const name = decodeName(d.name);
    const rel = rootRel ? `${rootRel}/${name}` : name;
    const srcIsDir = inSource.get(key(name));
    if (d.isDirectory()) {
      if (filesOnly || matcher.excludesDir(name, rel)) continue;
      if (srcIsDir === true) below.push(countIn(path.join(src, name), path.join(dst, name), rel, false, matcher, key));
      else { count++; below.push(countEntriesBelow(path.join(dst, name))); }
    } else {
      if (matcher.excludesFile(name)) continue;
      if (srcIsDir === undefined || srcIsDir) count++;
    }
  }
  for (const n of await Promise.all(below)) count += n;
  return count;
}
