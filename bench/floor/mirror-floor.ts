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
 * With MIRROR_FLOOR_GUARDED=1 it keeps, besides, the per-file guarantees of robocurse's copy
 * threads that a reader of the replica or an attacker in the tree can tell apart (copy-worker.ts):
 * the destination directory opened without following a link (and fstat'ed, as robocurse checks it),
 * each source opened without following a link and checked on its descriptor to be the file listed,
 * the data with mode and times given on the new file's descriptor under a temp name (the helper's
 * copyFileFd) and renamed into place, a missing subdirectory made in its parent's pass, and a
 * changed directory given its source's times. Still no owners, xattrs, config, state, plan, log or
 * records: the floor of a tool that copies as safely as robocurse does.
 *
 *   node dist/bench/floor/mirror-floor.js SOURCE COPY   (prints one JSON line: dirs, files, copied, removed)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { floorProgram, type Roots } from './floor-program';
import { F, LIST_FIELDS, listStat, type StatListing } from '../../src/fs/list-stat';
import { COPY_FLAG, fsx } from '../../src/fs/fsx';

const GUARDED = process.env.MIRROR_FLOOR_GUARDED === '1';
const DIR_FLAGS = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW;
const FILE_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

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
    // Guarded, a subdirectory was made in its parent's pass (the parent's times are set after it).
    if (!GUARDED || rel === '') fs.mkdirSync(dstDir);
    dst = { names: [], types: '', stats: new Float64Array(0) };
  }
  const guard = GUARDED ? new GuardedDir(dstDir) : undefined;
  // An entry of the copy the source lacks, or holds as another type, is removed first.
  const inSource = new Map(src.names.map((n, i) => [n, src.types[i]]));
  const inCopy = new Map<string, number>();
  for (let j = 0; j < dst.names.length; j++) {
    if (inSource.get(dst.names[j]) === dst.types[j]) { inCopy.set(dst.names[j], j); continue; }
    fs.rmSync(path.join(dstDir, dst.names[j]), { recursive: true, force: true });
    out.removed++;
    if (guard) guard.changed = true;
  }
  for (let i = 0; i < src.names.length; i++) {
    const name = src.names[i];
    const t = src.types[i];
    if (t === 'd') {
      out.subdirs.push(rel === '' ? name : `${rel}/${name}`);
      if (guard && !inCopy.has(name)) guard.mkdir(name);
      continue;
    }
    if (t !== 'f') continue;
    out.files++;
    const j = inCopy.get(name);
    const o = i * LIST_FIELDS;
    const p = j === undefined ? -1 : j * LIST_FIELDS;
    if (p >= 0 && dst.stats[p + F.size] === src.stats[o + F.size] && dst.stats[p + F.mtimeMs] === src.stats[o + F.mtimeMs]) continue;
    out.copied++;
    if (guard) { guard.copy(path.join(srcDir, name), name, src.stats, o); continue; }
    const to = path.join(dstDir, name);
    fs.copyFileSync(path.join(srcDir, name), to);
    const mtime = src.stats[o + F.mtimeMs] / 1000;
    fs.utimesSync(to, mtime, mtime);
  }
  guard?.close(srcDir);
}

/** A destination directory as the guarded floor works in it: opened once, its times set last if it changed. */
class GuardedDir {
  private fd: number;
  changed = false;
  constructor(dstDir: string) {
    // O_NOFOLLOW | O_DIRECTORY: never a link; one fstat as robocurse checks what it opened.
    const fd = fs.openSync(dstDir, DIR_FLAGS);
    if (!fs.fstatSync(fd).isDirectory()) { fs.closeSync(fd); throw new Error(`${dstDir} is not a directory`); }
    this.fd = fd;
  }

  mkdir(name: string): void {
    fs.mkdirSync(`/proc/self/fd/${this.fd}/${name}`);
    this.changed = true;
  }

  /** The source file opened, checked against its listing, copied to a temp name with mode and times, renamed into place. */
  copy(srcPath: string, name: string, listed: Float64Array, o: number): void {
    const fd = fs.openSync(srcPath, FILE_FLAGS);
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile() || st.ino !== listed[o + F.ino] || st.size !== listed[o + F.size]) throw new Error(`${srcPath} changed since it was listed`);
      const tmp = `.${name}.floor~`;
      fsx!.copyFileFd!(fd, tmp, st.mode & 0o7777, COPY_FLAG.tryRange, st.mtimeMs, this.fd);
      fsx!.renameAt!(this.fd, tmp, this.fd, name);
      this.changed = true;
    } finally {
      fs.closeSync(fd);
    }
  }

  close(srcDir: string): void {
    try {
      if (!this.changed) return;
      const st = fs.lstatSync(srcDir, { bigint: true });
      const sec = (ns: bigint): number => Number(ns / 1_000_000_000n);
      const nsec = (ns: bigint): number => Number(ns % 1_000_000_000n);
      fsx!.futimens(this.fd, sec(st.atimeNs), nsec(st.atimeNs), sec(st.mtimeNs), nsec(st.mtimeNs));
    } finally {
      fs.closeSync(this.fd);
    }
  }
}

floorProgram('mirror-floor', __filename, mirrorOne, () => ({ files: 0, copied: 0, removed: 0 }));
