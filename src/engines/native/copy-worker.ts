/**
 * piscina worker entry of the native engine: copies a batch of small files with synchronous fs
 * calls, as cp does. One thread round trip per batch instead of four thread-pool trips per file
 * (lstat, copyFile, utimes, rename) is what makes 100,000 small files cheap. Kept free of imports
 * beyond fs and the tiny helpers, so a worker starts fast.
 *
 * Both directories are opened and checked once per batch (dir-ref.ts); in `proc` mode every name
 * is then reached through the open directory, so a directory swapped for a link meanwhile is
 * never written through, and each source file is opened without following links before it is
 * read (a file swapped for a link to a secret is refused, not copied). Owner, attributes, mode
 * and times go to the temp file by calls that never follow a link (entry-meta.ts).
 *
 * What needs the main thread is handed back: large and sparse files (streamed, holes kept), names
 * of a hard-linked inode (linked there), and unchanged files whose owner, mode or attributes
 * differ (fixed there).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsPath } from '../../fs/byte-names';
import { at, closeDirSync, FILE_CREATE_FLAGS, FILE_READ_FLAGS, openDirSync, type OpenDir } from '../../fs/dir-ref';
import { ACL_DEFAULT, readXattrs } from '../../fs/xattrs';
import { COPY_FLAG, COPY_NEW, COPY_RESULT, fsx } from '../../fs/fsx';
import { FLAG_KILLED, FLAG_SUSPENDED, Outcome, type BatchResult, type BatchTask } from './batch-protocol';
import { applyMeta, creatorOf, metaOfOpen } from './entry-meta';
import { KEEP, keepsXattrs, xattrChoice } from './keep-flags';
import { tagOf, tempNameFor } from './temp-name';
import { attributesDiffer, sameFile, sameMtime } from './times';
import { selectsFile } from '../../api/selection';
import { walkClean as walkSubtrees, type CleanWalkResult, type CleanWalkTask } from './clean-walk';
import type { OpenDirs } from './fix-dir';

const COPY_FLAGS = fs.constants.COPYFILE_FICLONE | fs.constants.COPYFILE_EXCL;
const WRITE_BLOCK = 256 * 1024;

type Fail = (i: number, err: unknown) => void;

/** Ways of moving data the helper may still try in this batch: one that failed once is not tried again. */
interface CopyWays { clone: boolean; range: boolean; tmpfile: boolean }

/** The same threads list directories for the tree walk (list-dir.ts): `run(task, { name: 'listDirectory' })`, or 'listDirectories'. */
export { listDirectories, listDirectory } from './list-dir';
/**
 * And walk subtrees (clean-walk.ts), putting directories right with this file's batch function
 * (fix-dir.ts): `run(task, { name: 'walkClean' })`.
 */
export function walkClean(task: CleanWalkTask): CleanWalkResult {
  return walkSubtrees(task, copyBatch);
}

/** `open`: the two directories already open and checked (fix-dir.ts), left open; without it they are opened and closed here. */
export default function copyBatch(task: BatchTask, open?: OpenDirs): BatchResult {
  const n = task.names.length;
  const r: BatchResult = { outcomes: new Uint8Array(n), sizes: new Float64Array(n), errors: [], notKept: [] };
  const fail: Fail = (i, err) => {
    const e = err as NodeJS.ErrnoException;
    r.outcomes[i] = Outcome.Failed;
    r.errors.push({ index: i, code: typeof e?.code === 'string' ? e.code : 'UNKNOWN', message: e instanceof Error ? e.message : String(err) });
  };
  let sd: OpenDir | undefined;
  let dd: OpenDir | undefined;
  try {
    sd = open?.src ?? openDirSync(task.src, task.mode);
    dd = open?.dst ?? openDirSync(task.dst, task.mode);
  } catch (err) {
    // A directory that changed since the listing: none of its files is touched.
    closeDirSync(sd);
    for (let i = 0; i < n; i++) fail(i, err);
    return r;
  }
  try {
    const prune = inheritsAcl(dd, task.keep);
    const creator = creatorOf(dd.st);
    const ways: CopyWays = { clone: true, range: true, tmpfile: true };
    // A new file in the plain case goes in one helper call (copyNew) when both directories are
    // open: no size or age filter to apply, no ACL to prune from what the directory would give it.
    const whole = fsx?.copyNew !== undefined && sd.fd !== undefined && dd.fd !== undefined && task.sizeAge === undefined && !prune;
    for (let i = 0; i < n; i++) {
      // A kill or suspend stops the batch before the next file; the rest goes back untouched.
      if (Atomics.load(task.flags, FLAG_KILLED) !== 0 || Atomics.load(task.flags, FLAG_SUSPENDED) !== 0) {
        r.outcomes.fill(Outcome.NotStarted, i);
        break;
      }
      if (whole && task.dests[i] === 'n' && copyNew(task, i, sd, dd, r, fail, creator, ways)) continue;
      if (!copyFile(task, i, sd, dd, r, fail, prune, creator, ways)) break;
    }
  } finally {
    if (!open) {
      closeDirSync(sd);
      closeDirSync(dd);
    }
  }
  return r;
}

/**
 * Whether new files in `dd` inherit an access ACL from its default ACL, which the source's own
 * ACL (or its lack of one) must then replace: one lookup per batch, only when ACLs are kept.
 */
function inheritsAcl(dd: OpenDir, keep: number): boolean {
  if ((keep & KEEP.acls) === 0 || !fsx) return false;
  try {
    return (dd.fd !== undefined ? fsx.fgetxattr(dd.fd, ACL_DEFAULT) : fsx.lgetxattr(fsPath(dd.ref.path), ACL_DEFAULT)) !== null;
  } catch {
    return false;
  }
}

/**
 * A new file (the destination has none) in one helper call, fsx.copyNew: opened without following
 * a link, checked on its descriptor, copied with its mode and times as an unnamed file linked into
 * place once whole (or under its temp name and renamed, where the file system cannot). The full
 * copy's hot path (docs/benchmarks.md, "Session 21"). True when that decided the file; false when
 * it needs the general path (copyFile), which then does it all. Unlike copyFile's, a kill that
 * comes during the call lets this one file finish.
 */
function copyNew(task: BatchTask, i: number, sd: OpenDir, dd: OpenDir, r: BatchResult, fail: Fail, creator: { uid: number; gid: number }, ways: CopyWays): boolean {
  const dstName = task.dstNames?.[i] ?? task.names[i];
  const tmpName = tempNameFor(dstName, tagOf(task.tagPrefix, task.tagFirst + i));
  let got: number;
  try {
    const flags = copyFlags(ways) | (ways.tmpfile ? COPY_FLAG.tryTmpfile : 0);
    got = fsx!.copyNew!(sd.fd!, fsPath(task.names[i]), dd.fd!, fsPath(tmpName), fsPath(dstName), flags, task.streamThresholdBytes, task.keep, creator.uid, creator.gid);
  } catch (err) {
    fail(i, err); // typically ENOENT: the file vanished since the listing
    return true;
  }
  if (got === COPY_NEW.general) return false;
  if (got === COPY_NEW.notFile) r.outcomes[i] = Outcome.NotFile;
  else if (got === COPY_NEW.handBack) r.outcomes[i] = Outcome.HandBack;
  else {
    const bits = got % 32;
    noteWays(ways, bits);
    r.sizes[i] = (got - bits) / 32;
    r.outcomes[i] = Outcome.Copied;
  }
  return true;
}

function copyFlags(ways: CopyWays): number {
  return (ways.clone ? COPY_FLAG.tryClone : 0) | (ways.range ? COPY_FLAG.tryRange : 0);
}

/** What did not work for this file will not for the next ones of the batch (same two directories). */
function noteWays(ways: CopyWays, done: number): void {
  if ((done & COPY_RESULT.cloneUnusable) !== 0) ways.clone = false;
  if ((done & COPY_RESULT.rangeUnusable) !== 0) ways.range = false;
  if ((done & COPY_RESULT.tmpfileUnusable) !== 0) ways.tmpfile = false;
}

/**
 * One file; false when the batch must stop (killed mid-copy). A file the destination already has
 * is first compared by lstat (nothing is read, an unchanged re-run opens nothing); a file to copy
 * is opened without following links and checked on its descriptor, and the copy reads from that
 * descriptor: a link swapped in after the listing is never followed.
 */
function copyFile(task: BatchTask, i: number, sd: OpenDir, dd: OpenDir, r: BatchResult, fail: Fail, prune: boolean, creator: { uid: number; gid: number }, ways: CopyWays): boolean {
  const name = task.names[i];
  const dstName = task.dstNames?.[i] ?? name;
  const dest = task.dests[i];
  const keep = task.keep;
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
    if ((keep & KEEP.hardLinks) !== 0 && seen.nlink > 1) { r.outcomes[i] = Outcome.HandBack; return true; }
    if (dest === 'f') {
      const d = lstatOrUndefined(byPath(dd, dstName));
      if (d?.isFile() && d.size === seen.size && sameMtime(d.mtimeMs, seen.mtimeMs, task.mtimeWindowMs)) {
        r.outcomes[i] = attributesDiffer(keep, seen, d) ? Outcome.HandBack : Outcome.UpToDate;
        return true;
      }
    }
    if (seen.size > task.streamThresholdBytes) { r.outcomes[i] = Outcome.HandBack; return true; }
  }
  let fd: number;
  try {
    // By Node, not the helper: in a worker thread Node warns (a costly object per call) when it
    // closes a descriptor it did not open.
    fd = fs.openSync(at(sd, name), FILE_READ_FLAGS);
  } catch (err) {
    // ELOOP: a link now stands where the listing saw a file; it is not followed.
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') r.outcomes[i] = Outcome.NotFile; else fail(i, err);
    return true;
  }
  // Same atomic sequence as the async path (file-copy.ts): temp name, metadata, rename.
  const tmpName = tempNameFor(dstName, tagOf(task.tagPrefix, task.tagFirst + i));
  const tmp = at(dd, tmpName);
  let made = false;
  try {
    // A plain fstat: the times go from this descriptor to the copy in one call (metaOfOpen).
    const st = fs.fstatSync(fd);
    r.sizes[i] = st.size;
    if (!st.isFile() || (seen !== undefined && !sameFile(st, seen))) { r.outcomes[i] = Outcome.NotFile; return true; }
    if (!seen && !selectsFile(task.sizeAge, st.size, st.mtimeMs)) { r.outcomes[i] = Outcome.Filtered; return true; }
    if (st.size > task.streamThresholdBytes
      || ((keep & KEEP.hardLinks) !== 0 && st.nlink > 1)
      || ((keep & KEEP.sparse) !== 0 && st.size > 0 && st.blocks * 512 < st.size)) {
      r.outcomes[i] = Outcome.HandBack;
      return true;
    }
    // Before the data is read: a source written during the copy must not lend it its new time.
    const meta = metaOfOpen(fd, st, (keep & KEEP.atimes) !== 0);
    made = true;
    let timesSet = false;
    if ((keep & KEEP.noClone) !== 0) writeCopy(fd, tmp, st.mode & 0o7777);
    else if (fsx?.copyFileFd && 'fromFd' in meta.times) {
      // Data, mode and times in one call on the open descriptors (no reopening by path).
      const flags = copyFlags(ways);
      // In `proc` mode by name in the open destination directory: no /proc path for the kernel to resolve.
      const done = dd.fd !== undefined
        ? fsx.copyFileFd(fd, fsPath(tmpName), st.mode & 0o7777, flags, meta.times.mtimeMs, dd.fd)
        : fsx.copyFileFd(fd, tmp, st.mode & 0o7777, flags, meta.times.mtimeMs);
      noteWays(ways, done);
      timesSet = true;
    }
    // The open descriptor is the source: what was checked is what is read.
    else fs.copyFileSync(task.mode === 'proc' ? `/proc/self/fd/${fd}` : at(sd, name), tmp, COPY_FLAGS);
    if (Atomics.load(task.flags, FLAG_KILLED) !== 0) {
      unlinkQuietly(tmp);
      r.outcomes.fill(Outcome.NotStarted, i);
      return false;
    }
    const xattrs = keepsXattrs(keep) ? readXattrs({ fd }, xattrChoice(keep)) : [];
    for (const f of applyMeta(tmp, meta, keep, { kind: 'file', modeSet: true, xattrs, prune, umask: task.umask, createdAs: creator, timesSet })) {
      r.notKept.push({ index: i, name: f.name, code: f.code });
    }
    // Likewise by name in the open directory when the helper can (rename 3.6-4.4 µs against 5.3-9.7 µs through /proc).
    if (dd.fd !== undefined && fsx?.renameAt) fsx.renameAt(dd.fd, fsPath(tmpName), dd.fd, fsPath(dstName));
    else fs.renameSync(tmp, at(dd, dstName));
    r.outcomes[i] = Outcome.Copied;
  } catch (err) {
    if (made) unlinkQuietly(tmp);
    fail(i, err);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** reflink "never": the data written block by block (copyFile may share blocks on btrfs and XFS). */
function writeCopy(src: number, tmp: string | Buffer, perm: number): void {
  const out = fs.openSync(tmp, FILE_CREATE_FLAGS, 0o600);
  try {
    const buf = Buffer.allocUnsafe(WRITE_BLOCK);
    let pos = 0;
    for (;;) {
      const n = fs.readSync(src, buf, 0, WRITE_BLOCK, pos);
      if (n === 0) break;
      let off = 0;
      while (off < n) off += fs.writeSync(out, buf, off, n - off, pos + off);
      pos += n;
    }
    fs.fchmodSync(out, perm);
  } finally {
    fs.closeSync(out);
  }
}

/** `name` in `dir` by its real path, for a look that decides nothing about what is read or written. */
function byPath(dir: OpenDir, name: string): string | Buffer {
  return fsPath(`${dir.ref.path}${path.sep}${name}`);
}

function lstatOrUndefined(p: string | Buffer): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined; // gone since the listing: copy it
  }
}

function unlinkQuietly(p: string | Buffer): void {
  try { fs.unlinkSync(p); } catch { /* gone, or never made: the next run removes stale temps */ }
}
