import { constants as fsc, promises as fsp, type BigIntStats } from 'node:fs';
import { at, FILE_CREATE_FLAGS, type OpenDir } from '../../fs/dir-ref';
import { fsx } from '../../fs/fsx';
import { ACL_DEFAULT, readXattrs } from '../../fs/xattrs';
import { attributeNotKept } from './copy-batch';
import { applyMeta, creatorOf, metaOf } from './entry-meta';
import { checkpoint, isLimited, keepOf, type JobContext } from './job-context';
import { KEEP, keepsXattrs, xattrChoice } from './keep-flags';
import { tempNameFor } from './temp-name';

/** A source file as opened (without following links) and seen by one fstat, and where it goes. */
export interface FileToCopy {
  /** The open source file: streamed copies read it directly. */
  src: fsp.FileHandle;
  /** A path reaching that same open file (/proc/self/fd/<fd> in `proc` mode) for copyFile. */
  srcPath: string | Buffer;
  /** Its name in the destination directory. */
  dstName: string;
  /** Path relative to the chunk's source directory, for progress and errors. */
  rel: string;
  /** The fstat of the open source (bigint: times to the nanosecond). */
  st: BigIntStats;
}

const LIMITED_BLOCK = 64 * 1024;
const DEFAULT_BLOCK = 1024 * 1024;
/** Holes are found in units of this many bytes when the helper cannot ask the file system. */
const ZERO_UNIT = 4096;
/** copyFile creates its target with O_EXCL: a link planted under the temp name fails it. */
const COPY_FLAGS = fsc.COPYFILE_FICLONE | fsc.COPYFILE_EXCL;
const CLONE_ONLY = fsc.COPYFILE_FICLONE_FORCE | fsc.COPYFILE_EXCL;
/** What FICLONE answers where blocks cannot be shared (another file system, no reflinks). */
const CANNOT_CLONE = new Set(['EXDEV', 'EOPNOTSUPP', 'ENOTSUP', 'EINVAL', 'ENOTTY', 'ENOSYS', 'EBADF', 'EPERM']);

/** More blocks would be written than the file has allocated: it has holes to keep. */
export function hasHoles(st: BigIntStats): boolean {
  return st.size > 0n && st.blocks * 512n < st.size;
}

/**
 * Copies one file to a temp name beside its destination, gives it the source's owner,
 * attributes, mode and times, and renames it into place: the real name only ever holds a
 * complete copy. Every name is reached through the checked destination directory `dd` and
 * nothing follows a link: the temp file is created exclusively, metadata is set by calls that
 * never follow a link (entry-meta.ts), and rename replaces whatever has the final name rather
 * than writing through it. The temp file is removed on any failure or abort.
 *
 * The data, in order of preference: a clone (FICLONE: shares the blocks, keeps holes; tried for
 * large and sparse files while `reflink` allows and it has not failed in this job), a hole-keeping
 * copy for sparse files, copyFile for small files (kernel copy_file_range, or a clone: fastest,
 * but silent until done), else streamed in blocks that report progress, take bandwidth tokens and
 * honour suspend (every file while a bandwidth limit applies). Returns the bytes written. Throws
 * the fs error, or an AbortError when the job is killed.
 */
export async function copyFileAtomically(ctx: JobContext, dd: OpenDir, f: FileToCopy): Promise<number> {
  const tmp = at(dd, tempNameFor(f.dstName, ctx.tempTags.next()));
  let placed = false;
  try {
    const bytes = await copyData(ctx, f, tmp);
    ctx.signal.throwIfAborted();
    const keep = keepOf(ctx);
    const xattrs = keepsXattrs(keep) ? readXattrs({ fd: f.src.fd }, xattrChoice(keep)) : [];
    const prune = (keep & KEEP.acls) !== 0 && inheritsAcl(dd);
    for (const x of applyMeta(tmp, metaOf(f.st), keep, { kind: 'file', modeSet: true, xattrs, prune, umask: ctx.umask, createdAs: creatorOf(dd.st) })) {
      attributeNotKept(ctx, f.rel, x.name, x.code);
    }
    await fsp.rename(tmp, at(dd, f.dstName));
    placed = true;
    return bytes;
  } finally {
    if (!placed) await fsp.unlink(tmp).catch(() => undefined);
  }
}

async function copyData(ctx: JobContext, f: FileToCopy, tmp: string | Buffer): Promise<number> {
  const size = Number(f.st.size);
  const sparse = ctx.preserve.sparse && hasHoles(f.st);
  const large = size > ctx.opts.streamThresholdBytes;
  const reflink = ctx.opts.reflink;
  if (reflink === 'always' || (reflink === 'auto' && !ctx.found.cloneFails && (large || sparse))) {
    if (await tryClone(ctx, f, tmp)) return size;
  }
  if (sparse) return sparseCopy(ctx, f, tmp);
  if (!large && !isLimited(ctx) && reflink !== 'never') {
    await fsp.copyFile(f.srcPath, tmp, COPY_FLAGS);
    // copyFile cannot be interrupted: if a kill came meanwhile, drop the result.
    ctx.signal.throwIfAborted();
    ctx.progress.addBytes(size);
    return size;
  }
  return streamCopy(ctx, f, tmp);
}

/**
 * A clone of the whole file (instant, shares blocks, keeps holes); false when the file systems
 * cannot (the job then stops trying), an error for `reflink: "always"`.
 */
async function tryClone(ctx: JobContext, f: FileToCopy, tmp: string | Buffer): Promise<boolean> {
  try {
    await fsp.copyFile(f.srcPath, tmp, CLONE_ONLY);
    ctx.progress.addBytes(Number(f.st.size));
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (!CANNOT_CLONE.has(code)) throw err;
    await fsp.unlink(tmp).catch(() => undefined);
    if (ctx.opts.reflink === 'always') {
      throw Object.assign(new Error(`cannot clone ${f.rel} (${code}): engineOptions.native.reflink is "always", and source and destination share no reflink-capable file system`), { code });
    }
    ctx.found.cloneFails = true;
    return false;
  }
}

/** Whether new files in `dd` inherit an access ACL from its default ACL (to be replaced by the source's). */
function inheritsAcl(dd: OpenDir): boolean {
  if (!fsx || dd.fd === undefined) return false;
  try { return fsx.fgetxattr(dd.fd, ACL_DEFAULT) !== null; } catch { return false; }
}

async function streamCopy(ctx: JobContext, f: FileToCopy, tmp: string | Buffer): Promise<number> {
  const size = Number(f.st.size);
  const block = blockSize(ctx);
  const buf = Buffer.allocUnsafe(block);
  // 0o600 until done: nobody else should read a half-written file; exact mode set below.
  const wh = await fsp.open(tmp, FILE_CREATE_FLAGS, 0o600);
  try {
    let pos = 0;
    for (;;) {
      const n = await copyBlock(ctx, f, wh, buf, pos, Math.max(size - pos, 1));
      if (n === 0) break;
      pos += n;
    }
    await wh.chmod(Number(f.st.mode & 0o7777n));
    return pos;
  } finally {
    await wh.close();
  }
}

function blockSize(ctx: JobContext): number {
  // Small blocks while limited, so pacing is smooth and a suspend or kill lands quickly.
  return isLimited(ctx) ? LIMITED_BLOCK : ctx.opts.streamBlockBytes ?? DEFAULT_BLOCK;
}

/** One block read at `pos` and written at the same place: suspend, bandwidth and progress on the way. */
async function copyBlock(ctx: JobContext, f: FileToCopy, wh: fsp.FileHandle, buf: Buffer, pos: number, want: number): Promise<number> {
  await checkpoint(ctx);
  const len = Math.min(buf.length, want);
  for (const b of ctx.buckets) if (!b.unlimited) await b.take(len, ctx.signal);
  const { bytesRead } = await f.src.read(buf, 0, len, pos);
  let off = 0;
  while (off < bytesRead) {
    const { bytesWritten } = await wh.write(buf, off, bytesRead - off, pos + off);
    off += bytesWritten;
  }
  ctx.progress.addBytes(bytesRead);
  return bytesRead;
}

/**
 * A sparse file with its holes kept: only the data is written, each piece at its own offset, and
 * the file is cut to its size at the end (a hole at the end stays a hole). The data is found with
 * SEEK_DATA/SEEK_HOLE through the helper (the file system says where its holes are); without it,
 * every 4 KiB unit of zeros is left unwritten (a hole in the copy where the source had zeros,
 * allocated or not: the data reads the same). Holes count as progress, as the size they stand for.
 */
async function sparseCopy(ctx: JobContext, f: FileToCopy, tmp: string | Buffer): Promise<number> {
  const size = Number(f.st.size);
  const buf = Buffer.allocUnsafe(blockSize(ctx));
  const wh = await fsp.open(tmp, FILE_CREATE_FLAGS, 0o600);
  try {
    if (fsx) {
      let pos = 0;
      while (pos < size) {
        await checkpoint(ctx);
        const data = fsx.seekData(f.src.fd, pos);
        if (data < 0 || data >= size) break;
        let end = fsx.seekHole(f.src.fd, data);
        if (end < 0 || end > size) end = size;
        ctx.progress.addBytes(data - pos);
        for (let p = data; p < end;) {
          const n = await copyBlock(ctx, f, wh, buf, p, end - p);
          if (n === 0) break;
          p += n;
        }
        pos = end;
      }
      ctx.progress.addBytes(Math.max(0, size - pos));
    } else {
      await copyNonZero(ctx, f, wh, buf, size);
    }
    await wh.truncate(size);
    await wh.chmod(Number(f.st.mode & 0o7777n));
    return size;
  } finally {
    await wh.close();
  }
}

const ZEROS = Buffer.alloc(ZERO_UNIT);

/** sparseCopy without the helper: reads everything, writes only the units that are not all zeros. */
async function copyNonZero(ctx: JobContext, f: FileToCopy, wh: fsp.FileHandle, buf: Buffer, size: number): Promise<void> {
  for (let pos = 0; pos < size;) {
    await checkpoint(ctx);
    const len = Math.min(buf.length, size - pos);
    for (const b of ctx.buckets) if (!b.unlimited) await b.take(len, ctx.signal);
    const { bytesRead } = await f.src.read(buf, 0, len, pos);
    if (bytesRead === 0) break;
    let run = -1;
    for (let o = 0; o < bytesRead; o += ZERO_UNIT) {
      const end = Math.min(o + ZERO_UNIT, bytesRead);
      const zero = buf.subarray(o, end).equals(ZEROS.subarray(0, end - o));
      if (!zero && run < 0) run = o;
      if (zero && run >= 0) {
        await writeAll(wh, buf.subarray(run, o), pos + run);
        run = -1;
      }
    }
    if (run >= 0) await writeAll(wh, buf.subarray(run, bytesRead), pos + run);
    ctx.progress.addBytes(bytesRead);
    pos += bytesRead;
  }
}

async function writeAll(wh: fsp.FileHandle, data: Buffer, pos: number): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const { bytesWritten } = await wh.write(data, off, data.length - off, pos + off);
    off += bytesWritten;
  }
}
