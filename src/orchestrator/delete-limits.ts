import type { Chunk } from '../api';
import { deleteLimitFor, describeMaxDeletes, type MaxDeletes } from '../config/max-deletes';
import { countEntriesBelow } from '../fs/count-entries';

/** Chunks whose destination is counted at once (each count lists up to 16 directories at once). */
const PARALLEL_CHUNKS = 4;

/** Destination entries in a chunk's scope: all below it for a tree chunk, its own files for a files-only one. */
export function countChunkScope(chunk: Chunk): Promise<number> {
  return countEntriesBelow(chunk.destinationPath, { filesOnly: chunk.kind === 'files-only' });
}

/**
 * One profile's maxDeletes, resolved into a count per chunk. A percentage needs the number of
 * destination entries in each chunk's scope: they are counted once, before the first job starts
 * (one walk of the destination in all; measured in bench/safety-bench.ts). A chunk's budget is
 * what is left after the deletions its earlier attempts in this run made, so retries never add
 * up to more than the limit.
 */
export class DeleteLimits {
  private readonly deleted = new Map<string, number>();

  private constructor(readonly setting: MaxDeletes, private readonly scopes: Map<string, number>, private readonly total: number) {}

  /** undefined when the profile has no limit (or mirror is off, or the run allows mass deletes). */
  static async resolve(setting: MaxDeletes | null | undefined, chunks: readonly Chunk[]): Promise<DeleteLimits | undefined> {
    if (!setting) return undefined;
    const scopes = new Map<string, number>();
    let total = 0;
    if ('percent' in setting) {
      for (let i = 0; i < chunks.length; i += PARALLEL_CHUNKS) {
        const batch = chunks.slice(i, i + PARALLEL_CHUNKS);
        const counts = await Promise.all(batch.map(countChunkScope));
        batch.forEach((c, k) => { scopes.set(c.id, counts[k]); total += counts[k]; });
      }
    }
    return new DeleteLimits(setting, scopes, total);
  }

  /** The most entries the next attempt of `chunk` may delete. */
  forChunk(chunk: Chunk): number {
    const limit = deleteLimitFor(this.setting, this.scopes.get(chunk.id) ?? 0);
    return Math.max(0, limit - (this.deleted.get(chunk.id) ?? 0));
  }

  /**
   * The budget of the final pass over split directories (extras no chunk owns): the count, or
   * the percentage of every entry counted in the chunks' scopes.
   */
  forFinalPass(): number {
    return deleteLimitFor(this.setting, this.total);
  }

  noteDeleted(chunkId: string, entries: number): void {
    this.deleted.set(chunkId, (this.deleted.get(chunkId) ?? 0) + entries);
  }

  describe(): string {
    return describeMaxDeletes(this.setting);
  }
}
