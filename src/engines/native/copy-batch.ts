import type { DirRef } from '../../fs/dir-ref';
import { batchWrote, DEST_CODES, Outcome, type BatchResult } from './batch-protocol';
import { isUnsupported } from '../../fs/xattrs';
import { copyOne, type FileEntry } from './copy-one';
import { isLimited, keepOf, type JobContext } from './job-context';
import { joinRel } from './rel-path';

/** Files per batch: small enough that progress moves and the threads share the work evenly. */
const BATCH_FILES = 64;

/** True when this job's files may go to the worker threads now (see copyFilesOf). */
export function canBatch(ctx: JobContext): boolean {
  return ctx.pool !== undefined && !ctx.dryRun && !isLimited(ctx);
}

/**
 * Copies the files of one directory: in batches on the copy worker threads while nothing needs
 * the async path (no bandwidth limit, not a dry run), else one by one with copyOne. Large files
 * found by a batch are streamed by copyOne afterwards (live progress, suspend between blocks).
 * `dst` is null only in a dry run whose destination directory does not exist yet.
 * Resolves false only when nothing can have been written in the destination directory (every
 * file found up to date, left out by a filter, or not a file any more), true otherwise.
 */
export async function copyFilesOf(ctx: JobContext, src: DirRef, dst: DirRef | null, rel: string, files: FileEntry[]): Promise<boolean> {
  if (files.length === 0) return false;
  if (dst === null || !canBatch(ctx)) {
    await Promise.all(files.map((f) => copyOne(ctx, src, dst, rel, f)));
    return true;
  }
  // Links and special files are rare and need the main thread's calls (readlink, mknod).
  const regular = files.filter((f) => f.kind === 'file' && !skippedAsListed(ctx, f));
  const others = files.filter((f) => f.kind !== 'file');
  const work: Promise<boolean>[] = others.map((f) => copyOne(ctx, src, dst, rel, f).then(() => true));
  for (let i = 0; i < regular.length; i += BATCH_FILES) work.push(runBatch(ctx, src, dst, rel, regular.slice(i, i + BATCH_FILES)));
  return (await Promise.all(work)).includes(true);
}

/**
 * A file the listings showed up to date (tree-walk.ts): booked as a batch books Outcome.UpToDate,
 * and, like a batch of a killed job, not at all once the job is killed.
 */
function skippedAsListed(ctx: JobContext, f: FileEntry): boolean {
  if (f.upToDateSize === undefined) return false;
  if (ctx.signal.aborted) return true;
  ctx.tally.stats.filesSkipped++;
  ctx.tally.stats.bytesSkipped += f.upToDateSize;
  return true;
}

/**
 * One batch in one limiter slot; what it hands back (large, or not started) goes on afterwards.
 * Resolves whether it may have written in the destination directory (copyFilesOf).
 */
async function runBatch(ctx: JobContext, src: DirRef, dst: DirRef, rel: string, files: FileEntry[]): Promise<boolean> {
  let wrote = true;
  const rest = await ctx.limiter.run(async (): Promise<FileEntry[]> => {
    if (ctx.gate.isClosed) await ctx.gate.wait();
    if (ctx.signal.aborted) return [];
    ctx.progress.startFile(joinRel(rel, files[0].name));
    let dests = '';
    let renamed = false;
    for (const f of files) {
      dests += DEST_CODES[f.dest];
      if (f.dstName !== f.name) renamed = true;
    }
    const tags = ctx.tempTags.reserve(files.length);
    const result = await ctx.pool!.run({
      src, dst, mode: ctx.dirMode, names: files.map((f) => f.name), dests, flags: ctx.flags, tagPrefix: tags.prefix, tagFirst: tags.first,
      streamThresholdBytes: ctx.opts.streamThresholdBytes, mtimeWindowMs: ctx.opts.mtimeWindowMs, keep: keepOf(ctx), umask: ctx.umask, sizeAge: ctx.sizeAge,
      ...(renamed ? { dstNames: files.map((f) => f.dstName) } : {}),
    });
    if (ctx.signal.aborted) return []; // killed: what the batch did not finish is not a failure
    wrote = batchWrote(result);
    return recordBatch(ctx, rel, files, result);
  });
  if (rest.length === 0 || ctx.signal.aborted) return wrote;
  // Outside the slot: copyOne takes its own, and a nested take could starve the limiter.
  await Promise.all(rest.map((f) => copyOne(ctx, src, dst, rel, f)));
  return true;
}

/** Books a batch's outcomes in the tally and progress; returns the files still to copy. */
export function recordBatch(ctx: JobContext, rel: string, files: FileEntry[], r: BatchResult): FileEntry[] {
  const rest: FileEntry[] = [];
  const { stats } = ctx.tally;
  let copied = 0;
  let bytes = 0;
  for (let i = 0; i < files.length; i++) {
    const size = r.sizes[i];
    switch (r.outcomes[i]) {
      case Outcome.Copied: copied++; bytes += size; ctx.tally.copied(joinRel(rel, files[i].name), size, files[i].dest === 'none'); break;
      case Outcome.UpToDate: stats.filesSkipped++; stats.bytesSkipped += size; break;
      case Outcome.NotFile: ctx.tally.skipEntry(joinRel(rel, files[i].name), 'changed type during copy'); break;
      case Outcome.DirInWay: ctx.tally.dirInWay(joinRel(rel, files[i].name), size); break;
      case Outcome.HandBack: case Outcome.NotStarted: rest.push(files[i]); break;
      default: break; // Failed: below, with its error
    }
  }
  for (const e of r.errors) ctx.tally.fail(joinRel(rel, files[e.index].name), Object.assign(new Error(e.message), { code: e.code }), r.sizes[e.index]);
  for (const k of r.notKept) attributeNotKept(ctx, joinRel(rel, files[k.index].name), k.name, k.code);
  stats.filesCopied += copied;
  stats.bytesCopied += bytes;
  ctx.progress.batchDone(copied, bytes);
  return rest;
}

/**
 * An extended attribute a copied entry did not get. A destination that keeps none at all
 * (ENOTSUP) is said once, and the job stops trying; anything else is said per attribute.
 */
export function attributeNotKept(ctx: JobContext, rel: string, name: string, code: string): void {
  if (isUnsupported(code)) {
    ctx.found.xattrDest = false;
    ctx.tally.notKept++;
    ctx.tally.once('xattr-dest', `the destination ${ctx.chunk.destinationPath} keeps no extended attributes or ACLs (${code}): they are not copied (preserve.xattrs, preserve.acls)`);
    return;
  }
  ctx.tally.attributeNotKept(rel, name, code);
}
