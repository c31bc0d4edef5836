import { constants as fsc, promises as fsp } from 'node:fs';
import { at, FILE_CREATE_FLAGS, type OpenDir } from '../../fs/dir-ref';
import { checkpoint, isLimited, type JobContext } from './job-context';
import { tempNameFor } from './temp-name';
import { utimesSeconds } from './times';

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
  size: number;
  mode: number;
  atimeMs: number;
  mtimeMs: number;
}

const LIMITED_BLOCK = 64 * 1024;
const DEFAULT_BLOCK = 1024 * 1024;
/** copyFile creates its target with O_EXCL: a link planted under the temp name fails it. */
const COPY_FLAGS = fsc.COPYFILE_FICLONE | fsc.COPYFILE_EXCL;

/**
 * Copies one file to a temp name beside its destination, sets mode and times, and renames it
 * into place: the real name only ever holds a complete copy. Every name is reached through the
 * checked destination directory `dd` and nothing follows a link: the temp file is created
 * exclusively, times are set on it without following (lutimes) or on its descriptor, and rename
 * replaces whatever has the final name rather than writing through it. The temp file is removed
 * on any failure or abort. Small files go through copyFile (kernel copy_file_range or a reflink:
 * fastest, but silent until done); large files, and every file while a bandwidth limit
 * applies, are streamed in blocks that report progress, take tokens and honour suspend.
 * Returns the bytes written. Throws the fs error, or an AbortError when the job is killed.
 */
export async function copyFileAtomically(ctx: JobContext, dd: OpenDir, f: FileToCopy): Promise<number> {
  const tmp = at(dd, tempNameFor(f.dstName, ctx.tempTags.next()));
  let placed = false;
  try {
    let bytes: number;
    if (f.size > ctx.opts.streamThresholdBytes || isLimited(ctx)) {
      bytes = await streamCopy(ctx, f, tmp);
    } else {
      await fsp.copyFile(f.srcPath, tmp, COPY_FLAGS);
      // copyFile cannot be interrupted: if a kill came meanwhile, drop the result.
      ctx.signal.throwIfAborted();
      bytes = f.size;
      ctx.progress.addBytes(bytes);
      // libuv's copyFile already set the mode (fchmod); streamCopy sets mode and times itself.
      await fsp.lutimes(tmp, utimesSeconds(f.atimeMs), utimesSeconds(f.mtimeMs));
    }
    ctx.signal.throwIfAborted();
    await fsp.rename(tmp, at(dd, f.dstName));
    placed = true;
    return bytes;
  } finally {
    if (!placed) await fsp.unlink(tmp).catch(() => undefined);
  }
}

async function streamCopy(ctx: JobContext, f: FileToCopy, tmp: string | Buffer): Promise<number> {
  const limited = isLimited(ctx);
  // Small blocks while limited, so pacing is smooth and a suspend or kill lands quickly.
  const block = limited ? LIMITED_BLOCK : ctx.opts.streamBlockBytes ?? DEFAULT_BLOCK;
  const buf = Buffer.allocUnsafe(block);
  // 0o600 until done: nobody else should read a half-written file; exact mode set below.
  const wh = await fsp.open(tmp, FILE_CREATE_FLAGS, 0o600);
  try {
    let pos = 0;
    for (;;) {
      await checkpoint(ctx);
      const want = Math.min(block, Math.max(f.size - pos, 1));
      for (const b of ctx.buckets) if (!b.unlimited) await b.take(want, ctx.signal);
      const { bytesRead } = await f.src.read(buf, 0, block, pos);
      if (bytesRead === 0) break;
      let off = 0;
      while (off < bytesRead) {
        const { bytesWritten } = await wh.write(buf, off, bytesRead - off, pos + off);
        off += bytesWritten;
      }
      pos += bytesRead;
      ctx.progress.addBytes(bytesRead);
    }
    await wh.chmod(f.mode & 0o7777);
    await wh.utimes(utimesSeconds(f.atimeMs), utimesSeconds(f.mtimeMs));
    return pos;
  } finally {
    await wh.close();
  }
}
