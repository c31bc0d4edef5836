import { fsError } from '../../fs/dir-ref';
import { recordBatch } from './copy-batch';
import { copyOne, type FileEntry } from './copy-one';
import { bookRemoved, removeExtras } from './extras';
import type { FixedDir } from './fix-dir';
import type { JobContext } from './job-context';
import { joinRel } from './rel-path';

/** Sets a directory's attributes after what was written in it (tree-walk.ts setDirectoryAttributes, `touched`). */
export type SetAttributes = (d: FixedDir) => void;

/**
 * Books what a copy thread did to a directory it put right (fix-dir.ts) as the main thread books
 * its own batches and deletions: files copied and failed (files.log, progress, the tally),
 * extras removed (the deletion listing and events) or counted, failures. Then does what the
 * thread left: extras that had become directories, files handed back, and last the directory's
 * attributes when the thread did not set them.
 */
export async function bookFixed(ctx: JobContext, d: FixedDir, setAttributes: SetAttributes): Promise<void> {
  ctx.tally.extras += d.extras;
  ctx.tally.stats.dirsCreated += d.made;
  for (const name of d.removed) bookRemoved(ctx, joinRel(d.rel, name), false, 1);
  for (const e of d.errors) ctx.tally.fail(e.rel, fsError(e.code, e.message), 0, false);
  const files: FileEntry[] = d.names.map((name, i) => ({ name, dstName: name, dest: d.dests[i] === 'n' ? 'none' : 'file', kind: 'file' }));
  const rest = d.result ? recordBatch(ctx, d.rel, files, d.result) : [];
  if (d.attrsSet) return;
  await removeExtras(ctx, d.dst, d.rel, d.removeLater.map((name) => ({ name, isDir: true })));
  await Promise.all(rest.map((f) => copyOne(ctx, d.src, d.dst, d.rel, f)));
  if (!ctx.signal.aborted) setAttributes(d);
}
