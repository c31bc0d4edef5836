import { constants as fsc, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { checkpoint, isLimited, type JobContext } from './job-context';
import { tempNameFor } from './temp-name';
import { utimesSeconds } from './times';

/** A source file as seen by one lstat, and where it goes. */
export interface FileToCopy {
  src: string;
  dst: string;
  /** Path relative to the chunk's source directory, for progress and errors. */
  rel: string;
  size: number;
  mode: number;
  atimeMs: number;
  mtimeMs: number;
}

const LIMITED_BLOCK = 64 * 1024;
const DEFAULT_BLOCK = 1024 * 1024;

/**
 * Copies one file to a temp name beside its destination, sets mode and times, and renames it
 * into place: the real name only ever holds a complete copy. The temp file is removed on any
 * failure or abort. Small files go through copyFile (kernel copy_file_range or a reflink:
 * fastest, but silent until done); large files, and every file while a bandwidth limit
 * applies, are streamed in blocks that report progress, take tokens and honour suspend.
 * Returns the bytes written. Throws the fs error, or an AbortError when the job is killed.
 */
export async function copyFileAtomically(ctx: JobContext, f: FileToCopy): Promise<number> {
  const tmp = path.join(path.dirname(f.dst), tempNameFor(path.basename(f.dst), ctx.tempTags.next()));
  let placed = false;
  try {
    let bytes: number;
    if (f.size > ctx.opts.streamThresholdBytes || isLimited(ctx)) {
      bytes = await streamCopy(ctx, f, tmp);
    } else {
      await fsp.copyFile(f.src, tmp, fsc.COPYFILE_FICLONE);
      // copyFile cannot be interrupted: if a kill came meanwhile, drop the result.
      ctx.signal.throwIfAborted();
      bytes = f.size;
      ctx.progress.addBytes(bytes);
    }
    // libuv's copyFile already set the mode (fchmod); streamCopy sets it itself.
    await fsp.utimes(tmp, utimesSeconds(f.atimeMs), utimesSeconds(f.mtimeMs));
    ctx.signal.throwIfAborted();
    await fsp.rename(tmp, f.dst);
    placed = true;
    return bytes;
  } finally {
    if (!placed) await fsp.rm(tmp, { force: true }).catch(() => undefined);
  }
}

async function streamCopy(ctx: JobContext, f: FileToCopy, tmp: string): Promise<number> {
  const limited = isLimited(ctx);
  // Small blocks while limited, so pacing is smooth and a suspend or kill lands quickly.
  const block = limited ? LIMITED_BLOCK : ctx.opts.streamBlockBytes ?? DEFAULT_BLOCK;
  const buf = Buffer.allocUnsafe(block);
  const rh = await fsp.open(f.src, 'r');
  try {
    // 0o600 until done: nobody else should read a half-written file; exact mode set below.
    const wh = await fsp.open(tmp, 'wx', 0o600);
    try {
      let pos = 0;
      for (;;) {
        await checkpoint(ctx);
        const want = Math.min(block, Math.max(f.size - pos, 1));
        for (const b of ctx.buckets) if (!b.unlimited) await b.take(want, ctx.signal);
        const { bytesRead } = await rh.read(buf, 0, block, pos);
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
      return pos;
    } finally {
      await wh.close();
    }
  } finally {
    await rh.close();
  }
}
