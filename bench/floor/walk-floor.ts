/**
 * The floor of an unchanged re-run for any Node.js tool on this machine (issue #17): a bare
 * `node` process that boots as many worker threads as robocurse's run does (max(2, CPUs)) and
 * makes the same system calls on both trees as its scan (the native helper's readdir + fstatat of
 * every entry of the source and of the copy), comparing each file's size and mtime, with
 * directories shared among the threads through the main thread. Nothing else: no config, no
 * state database, no plan, no digests, no log. A run of robocurse cannot be faster than this;
 * `rsync -a` beside it says what a single C process pays for the same answer.
 *
 *   node dist/bench/floor/walk-floor.js SOURCE COPY    (prints one JSON line: dirs, files, differing)
 */
import * as path from 'node:path';
import { floorProgram, type Roots } from './floor-program';
import { F, LIST_FIELDS, listStat, type StatListing } from '../../src/fs/list-stat';

interface Result { subdirs: string[]; files: number; differing: number }

/** Lists `rel` in both trees; the subdirectories of the source, files counted and compared. */
function walkOne(roots: Roots, rel: string, out: Result): void {
  const src = listStat(rel === '' ? roots.source : path.join(roots.source, rel));
  let dst: StatListing | undefined;
  try { dst = listStat(rel === '' ? roots.copy : path.join(roots.copy, rel)); } catch { dst = undefined; }
  const inCopy = new Map<string, number>();
  if (dst) dst.names.forEach((n, i) => inCopy.set(n, i));
  for (let i = 0; i < src.names.length; i++) {
    const t = src.types[i];
    if (t === 'd') { out.subdirs.push(rel === '' ? src.names[i] : `${rel}/${src.names[i]}`); continue; }
    if (t !== 'f') continue;
    out.files++;
    const j = inCopy.get(src.names[i]);
    const o = i * LIST_FIELDS;
    const p = j === undefined ? -1 : j * LIST_FIELDS;
    if (p < 0 || dst!.stats[p + F.size] !== src.stats[o + F.size] || dst!.stats[p + F.mtimeMs] !== src.stats[o + F.mtimeMs]) out.differing++;
  }
}

floorProgram('walk-floor', __filename, walkOne, () => ({ files: 0, differing: 0 }));
