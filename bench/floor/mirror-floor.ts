/**
 * The floor of a changed re-run with mirror for any Node.js tool on this machine (issue #17): a
 * bare `node` process with as many worker threads as robocurse's run (max(2, CPUs)) that makes
 * `COPY` equal to `SOURCE` the way `rsync -a --delete` does, with the fewest system calls Node
 * allows: each directory listed on both sides (the native helper's readdir + fstatat, as the scan
 * lists), a file whose size or mtime differs copied in place (`copyFileSync`: sendfile, the
 * source's mode) and given the source's mtime, an entry missing from the source removed, a
 * missing directory made. Directories are shared among the threads through the main thread, as
 * in walk-floor.ts. Nothing else: no temp file and rename (a reader may see a half-written file),
 * no check that a directory is still the one listed, no owners, xattrs or directory times, no
 * config, state, plan, log or per-file record; regular files and directories only (the bench's
 * trees hold nothing else). A run of robocurse, which does all of those, cannot be faster than
 * this; `rsync -a --delete` beside it says what C processes pay.
 *
 *   node dist/bench/floor/mirror-floor.js SOURCE COPY   (prints one JSON line: dirs, files, copied, removed)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { floorProgram, type Roots } from './floor-program';
import { F, LIST_FIELDS, listStat, type StatListing } from '../../src/fs/list-stat';

interface Result { subdirs: string[]; files: number; copied: number; removed: number }

function listOrNone(dir: string): StatListing | undefined {
  try { return listStat(dir); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Puts the copy of `rel` right (its files and extras); its subdirectories are returned to walk. */
function mirrorOne(roots: Roots, rel: string, out: Result): void {
  const srcDir = rel === '' ? roots.source : path.join(roots.source, rel);
  const dstDir = rel === '' ? roots.copy : path.join(roots.copy, rel);
  const src = listStat(srcDir);
  let dst = listOrNone(dstDir);
  if (!dst) {
    fs.mkdirSync(dstDir);
    dst = { names: [], types: '', stats: new Float64Array(0) };
  }
  // An entry of the copy the source lacks, or holds as another type, is removed first.
  const inSource = new Map(src.names.map((n, i) => [n, src.types[i]]));
  const inCopy = new Map<string, number>();
  for (let j = 0; j < dst.names.length; j++) {
    if (inSource.get(dst.names[j]) === dst.types[j]) { inCopy.set(dst.names[j], j); continue; }
    fs.rmSync(path.join(dstDir, dst.names[j]), { recursive: true, force: true });
    out.removed++;
  }
  for (let i = 0; i < src.names.length; i++) {
    const name = src.names[i];
    const t = src.types[i];
    if (t === 'd') { out.subdirs.push(rel === '' ? name : `${rel}/${name}`); continue; }
    if (t !== 'f') continue;
    out.files++;
    const j = inCopy.get(name);
    const o = i * LIST_FIELDS;
    const p = j === undefined ? -1 : j * LIST_FIELDS;
    if (p >= 0 && dst.stats[p + F.size] === src.stats[o + F.size] && dst.stats[p + F.mtimeMs] === src.stats[o + F.mtimeMs]) continue;
    const to = path.join(dstDir, name);
    fs.copyFileSync(path.join(srcDir, name), to);
    const mtime = src.stats[o + F.mtimeMs] / 1000;
    fs.utimesSync(to, mtime, mtime);
    out.copied++;
  }
}

floorProgram('mirror-floor', __filename, mirrorOne, () => ({ files: 0, copied: 0, removed: 0 }));
