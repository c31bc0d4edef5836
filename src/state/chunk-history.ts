import type { StoreContext } from './store-context';
import type { ChunkDurationStats } from './types';

/** Rows kept per (profile, chunk): enough for a trend, bounded so years of nightly runs stay small. */
export const HISTORY_PER_CHUNK = 20;

/** Appends one finished chunk to the history and trims old rows (inside the caller's transaction). */
export function recordChunkHistory(
  ctx: StoreContext, profile: string, chunkId: string,
  h: { bytes: number; files: number; durationMs: number; finishedAt: string; engine?: string; estBytes?: number; estFiles?: number },
): void {
  ctx.stmt('INSERT INTO chunk_history(profile, chunk_id, bytes, files, duration_ms, finished_at, engine, est_bytes, est_files) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(profile, chunkId, h.bytes, h.files, Math.round(h.durationMs), h.finishedAt, h.engine ?? null, h.estBytes ?? null, h.estFiles ?? null);
  ctx.stmt(
    `DELETE FROM chunk_history WHERE profile = ? AND chunk_id = ? AND id <= (
       SELECT id FROM chunk_history WHERE profile = ? AND chunk_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
  ).run(profile, chunkId, profile, chunkId, HISTORY_PER_CHUNK);
}

/** Learnt throughput of a profile overall and per chunk, for ETA and for starting slow chunks first. */
export function chunkDurationStats(ctx: StoreContext, profile: string): ChunkDurationStats {
  const rows = ctx.stmt('SELECT chunk_id, bytes, files, duration_ms FROM chunk_history WHERE profile = ? ORDER BY id')
    .all(profile) as { chunk_id: string; bytes: number; files: number; duration_ms: number }[];
  const stats: ChunkDurationStats = { profile, samples: 0, bytes: 0, files: 0, durationMs: 0, bytesPerSecond: 0, filesPerSecond: 0, byChunk: new Map() };
  for (const r of rows) {
    stats.samples++;
    stats.bytes += r.bytes;
    stats.files += r.files;
    stats.durationMs += r.duration_ms;
    const c = stats.byChunk.get(r.chunk_id) ?? { samples: 0, meanDurationMs: 0, lastDurationMs: 0, lastBytes: 0, lastFiles: 0 };
    c.meanDurationMs = (c.meanDurationMs * c.samples + r.duration_ms) / (c.samples + 1);
    c.samples++;
    c.lastDurationMs = r.duration_ms;
    c.lastBytes = r.bytes;
    c.lastFiles = r.files;
    stats.byChunk.set(r.chunk_id, c);
  }
  // Throughput of chunks that ran in parallel is per job, not per run: the ETA multiplies by
  // the number of active jobs itself.
  if (stats.durationMs > 0) {
    stats.bytesPerSecond = (stats.bytes * 1000) / stats.durationMs;
    stats.filesPerSecond = (stats.files * 1000) / stats.durationMs;
  }
  return stats;
}

/** One finished chunk of the history, for the learnt ETA (src/eta). */
export interface ChunkHistoryRow {
  chunkId: string;
  /** Bytes and files the chunk copied. */
  bytes: number;
  files: number;
  /** What the scan estimated of the chunk; null in rows written before schema 4. */
  estBytes: number | null;
  estFiles: number | null;
  durationMs: number;
  engine: string | null;
}

/**
 * The kept history of a profile, oldest first; with `engine`, the rows of that engine and the
 * rows of unknown engine (written before schema 4).
 */
export function chunkHistoryRows(ctx: StoreContext, profile: string, engine?: string): ChunkHistoryRow[] {
  const rows = (engine === undefined
    ? ctx.stmt('SELECT * FROM chunk_history WHERE profile = ? ORDER BY id').all(profile)
    : ctx.stmt('SELECT * FROM chunk_history WHERE profile = ? AND (engine = ? OR engine IS NULL) ORDER BY id').all(profile, engine)) as
    { chunk_id: string; bytes: number; files: number; est_bytes: number | null; est_files: number | null; duration_ms: number; engine: string | null }[];
  return rows.map((r) => ({ chunkId: r.chunk_id, bytes: r.bytes, files: r.files, estBytes: r.est_bytes, estFiles: r.est_files, durationMs: r.duration_ms, engine: r.engine }));
}
