/**
 * piscina worker entry of the native engine: copies a batch of small files with synchronous fs
 * calls, as cp does. One thread round trip per batch instead of four thread-pool trips per file
 * (lstat, copyFile, utimes, rename) is what makes 100,000 small files cheap. Kept free of imports
 * beyond fs and the tiny helpers, so a worker starts fast.
 *
 * Both directories are opened and checked once per batch (dir-ref.ts); in `proc` mode every name
 * is then reached through the open directory, so a directory swapped for a link meanwhile is
 * never written through, and each source file is opened without following links before it is
 * read (a file swapped for a link to a secret is refused, not copied).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsPath } from '../../fs/byte-names';
import { at, closeDirSync, FILE_READ_FLAGS, openDirSync, type OpenDir } from '../../fs/dir-ref';
import { FLAG_KILLED, FLAG_SUSPENDED, Outcome, type BatchResult, type BatchTask } from './batch-protocol';
import { tagOf, tempNameFor } from './temp-name';
import { sameFile, sameMtime, utimesSeconds } from './times';
import { selectsFile } from '../../api/selection';

const COPY_FLAGS = fs.constants.COPYFILE_FICLONE | fs.constants.COPYFILE_EXCL;

export default function copyBatch(task: BatchTask): BatchResult {
  const n = task.names.length;
  const r: BatchResult = { outcomes: new Uint8Array(n), sizes: new Float64Array(n), errors: [] };
  const fail = (i: number, err: unknown): void => {
    const e = err as NodeJS.ErrnoException;
    r.outcomes[i] = Outcome.Failed;
    r.errors.push({ index: i, code: typeof e?.code === 'string' ? e.code : 'UNKNOWN', message: e instanceof Error ? e.message : String(err) });
  };
  let sd: OpenDir | undefined;
  let dd: OpenDir | undefined;
  try {
    sd = openDirSync(task.src, task.mode);
    dd = openDirSync(task.dst, task.mode);
  } catch (err) {
    // A directory that changed since the listing: none of its files is touched.
    closeDirSync(sd);
    for (let i = 0; i < n; i++) fail(i, err);
    return r;
  }
  try {
    for (let i = 0; i < n; i++) {
      // A kill or suspend stops the batch before the next file; the rest goes back untouched.
      if (Atomics.load(task.flags, FLAG_KILLED) !== 0 || Atomics.load(task.flags, FLAG_SUSPENDED) !== 0) {
        r.outcomes.fill(Outcome.NotStarted, i);
        break;
      }
      if (!copyFile(task, i, sd, dd, r, fail)) break;
    }
  } finally {
    closeDirSync(sd);
    closeDirSync(dd);
  }
  return r;
}

/**
 * One file; false when the batch must stop (killed mid-copy). A file the destination already has
 * is first compared by lstat (nothing is read, an unchanged re-run opens nothing); a file to copy
 * is opened without following links and checked on its descriptor, and the copy reads from that
 * descriptor: a link swapped in after the listing is never followed.
 */
function copyFile(task: BatchTask, i: number, sd: OpenDir, dd: OpenDir, r: BatchResult, fail: (i: number, err: unknown) => void): boolean {
  const name = task.names[i];
  const dstName = task.dstNames?.[i] ?? name;
  const dest = task.dests[i];
  let seen: fs.Stats | undefined;
  if (dest !== 'n') {
    try {
      // By path: this lstat only decides whether to copy (nothing is read or written through
      // it, and a copy goes through the checked directory below). A /proc lookup here would
      // cost an unchanged re-run ~2.5 µs more per file and side.
      seen = fs.lstatSync(byPath(sd, name));
    } catch (err) {
      fail(i, err); // typically ENOENT: the file vanished since the listing
      return true;
    }
    r.sizes[i] = seen.size;
    if (!seen.isFile()) { r.outcomes[i] = Outcome.NotFile; return true; }
    if (!selectsFile(task.sizeAge, seen.size, seen.mtimeMs)) { r.outcomes[i] = Outcome.Filtered; return true; }
    if (dest === 'd') { r.outcomes[i] = Outcome.DirInWay; return true; }
    if (dest === 'f' && upToDate(byPath(dd, dstName), seen, task.mtimeWindowMs)) { r.outcomes[i] = Outcome.UpToDate; return true; }
    if (seen.size > task.streamThresholdBytes) { r.outcomes[i] = Outcome.Large; return true; }
  }
  let fd: number;
  try {
    fd = fs.openSync(at(sd, name), FILE_READ_FLAGS);
  } catch (err) {
    // ELOOP: a link now stands where the listing saw a file; it is not followed.
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') r.outcomes[i] = Outcome.NotFile; else fail(i, err);
    return true;
  }
  // Same atomic sequence as the async path (file-copy.ts): temp name, mode and times, rename.
  const tmp = at(dd, tempNameFor(dstName, tagOf(task.tagPrefix, task.tagFirst + i)));
  let made = false;
  try {
    const st = fs.fstatSync(fd);
    r.sizes[i] = st.size;
    if (seen ? !sameFile(st, seen) : !st.isFile()) { r.outcomes[i] = Outcome.NotFile; return true; }
    if (!seen && !selectsFile(task.sizeAge, st.size, st.mtimeMs)) { r.outcomes[i] = Outcome.Filtered; return true; }
    if (st.size > task.streamThresholdBytes) { r.outcomes[i] = Outcome.Large; return true; }
    // The open descriptor is the source: what was checked is what is read.
    made = true;
    fs.copyFileSync(task.mode === 'proc' ? `/proc/self/fd/${fd}` : at(sd, name), tmp, COPY_FLAGS);
    if (Atomics.load(task.flags, FLAG_KILLED) !== 0) {
      unlinkQuietly(tmp);
      r.outcomes.fill(Outcome.NotStarted, i);
      return false;
    }
    fs.lutimesSync(tmp, utimesSeconds(st.atimeMs), utimesSeconds(st.mtimeMs));
    fs.renameSync(tmp, at(dd, dstName));
    r.outcomes[i] = Outcome.Copied;
  } catch (err) {
    if (made) unlinkQuietly(tmp);
    fail(i, err);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** `name` in `dir` by its real path, for a look that decides nothing about what is read or written. */
function byPath(dir: OpenDir, name: string): string | Buffer {
  return fsPath(`${dir.ref.path}${path.sep}${name}`);
}

function unlinkQuietly(p: string | Buffer): void {
  try { fs.unlinkSync(p); } catch { /* gone, or never made: the next run removes stale temps */ }
}

function upToDate(dst: string | Buffer, st: fs.Stats, windowMs: number): boolean {
  try {
    const d = fs.lstatSync(dst);
    return d.isFile() && d.size === st.size && sameMtime(d.mtimeMs, st.mtimeMs, windowMs);
  } catch {
    return false; // gone since the listing: copy it
  }
}
