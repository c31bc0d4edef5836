import type { CopyStats } from '../api';

/**
 * What a chunk did over all its attempts in one run: the one source of truth for the counts of
 * the summary, the state database (chunk rows and history), email and SIEM.
 *
 * Work done is summed over attempts: files an attempt copied are copied, even when a later
 * attempt fails, finds them up to date or is killed. What an attempt found up to date is taken
 * from the last attempt less what earlier attempts copied (those are up to date *because* of
 * this run), and failures are the last attempt's: they are what is still not copied.
 */
export interface ChunkTotals extends CopyStats {
  attempts: number;
}

export function noTotals(): ChunkTotals {
  return {
    attempts: 0, filesCopied: 0, bytesCopied: 0, filesSkipped: 0, bytesSkipped: 0,
    filesFailed: 0, bytesFailed: 0, extrasRemoved: 0, dirsCreated: 0,
  };
}

/**
 * The totals after one more attempt with `stats`. Pure. A file-only attempt (`fileOnly`: the
 * retry of just the files the previous attempt failed) looked at those files alone, so what it
 * found up to date adds to what the chunk's earlier attempts found, instead of replacing it.
 */
export function addAttempt(prev: ChunkTotals | undefined, stats: CopyStats, fileOnly = false): ChunkTotals {
  const p = prev ?? noTotals();
  if (fileOnly && prev) {
    return {
      ...sumOf(p, stats, ['filesCopied', 'bytesCopied', 'filesSkipped', 'bytesSkipped', 'extrasRemoved', 'dirsCreated']),
      attempts: p.attempts + 1, filesFailed: stats.filesFailed, bytesFailed: stats.bytesFailed,
    };
  }
  return {
    attempts: p.attempts + 1,
    filesCopied: p.filesCopied + stats.filesCopied,
    bytesCopied: p.bytesCopied + stats.bytesCopied,
    filesSkipped: Math.max(0, stats.filesSkipped - p.filesCopied),
    bytesSkipped: Math.max(0, stats.bytesSkipped - p.bytesCopied),
    filesFailed: stats.filesFailed,
    bytesFailed: stats.bytesFailed,
    extrasRemoved: p.extrasRemoved + stats.extrasRemoved,
    dirsCreated: p.dirsCreated + stats.dirsCreated,
  };
}

type Counter = Exclude<keyof ChunkTotals, 'attempts'>;

function sumOf(p: ChunkTotals, stats: CopyStats, keys: Counter[]): Record<Counter, number> {
  const out = { ...p } as Record<Counter, number>;
  for (const k of keys) out[k] = p[k] + stats[k];
  return out;
}

/** Keeps each chunk's totals while a profile runs; one per profile run, nothing global. */
export class AttemptLedger {
  private readonly totals = new Map<string, ChunkTotals>();

  /** Books one finished (or killed) attempt of `chunkId` (`fileOnly`: see addAttempt); returns the chunk's new totals. */
  add(chunkId: string, stats: CopyStats, fileOnly = false): ChunkTotals {
    const t = addAttempt(this.totals.get(chunkId), stats, fileOnly);
    this.totals.set(chunkId, t);
    return t;
  }

  get(chunkId: string): ChunkTotals | undefined { return this.totals.get(chunkId); }

  /** Every chunk that ran at least one attempt. */
  all(): IterableIterator<[string, ChunkTotals]> { return this.totals.entries(); }

  clear(): void { this.totals.clear(); }
}
