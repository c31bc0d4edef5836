import type { ChunkRoots } from './chunk-roots';
import type { JobContext } from './job-context';
import { usableDigests } from './walk-digests';

/**
 * A chunk the scan found up to date in its destination, tree and all (CopyOptions.unchangedAtScan:
 * the scan compared every directory of it with its copy, src/scan/compare-copy.ts), is booked as
 * it is: its files and bytes as skipped, nothing listed again, no copy thread asked. The chunk's
 * roots were still resolved as for any copy (a link, a file or nothing where a root belongs is
 * dealt with or reported there, and then this is not asked), and the scan's findings are used
 * only as the digests are (walk-digests.ts): not too old, no size or age filter, no destination
 * compared by case, every field the job keeps covered. Returns whether it booked the chunk.
 */
export function bookUnchangedChunk(ctx: JobContext, roots: ChunkRoots): boolean {
  if (ctx.unchangedAtScan !== true || roots.dst === null || roots.made || ctx.only !== undefined || ctx.chunk.kind !== 'tree') return false;
  if (usableDigests(ctx).digests === undefined) return false;
  ctx.tally.stats.filesSkipped += ctx.chunk.estimatedFiles;
  ctx.tally.stats.bytesSkipped += ctx.chunk.estimatedBytes;
  ctx.logger.debug({ files: ctx.chunk.estimatedFiles }, 'native copy: the scan found the whole chunk up to date in its destination (nothing listed again)');
  return true;
}
