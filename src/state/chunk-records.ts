import type { Chunk, ChunkKind, Severity } from '../api';
import { displayName, loadName, storeName } from '../fs/byte-names';
import { recordChunkHistory } from './chunk-history';
import { StateError } from './errors';
import type { StoreContext } from './store-context';
import type { ChunkFailure, ChunkRecord, ChunkStatus, ChunkSuccess } from './types';

export interface ChunkRow {
  profile_run_id: number; chunk_id: string; kind: string; rel_path: string; source: string; destination: string;
  estimated_files: number; estimated_bytes: number; status: string; attempts: number; exit_code: number | null;
  severity: string | null; files_copied: number; bytes_copied: number; started_at: string | null; finished_at: string | null;
  duration_ms: number | null; last_error: string | null; carried_from: number | null; dest_probe: string | null; log_path: string | null;
}

export function toChunkRecord(r: ChunkRow): ChunkRecord {
  return {
    profileRunId: r.profile_run_id, chunkId: r.chunk_id, kind: r.kind as ChunkKind, relPath: loadName(r.rel_path), source: loadName(r.source),
    destination: loadName(r.destination), estimatedFiles: r.estimated_files, estimatedBytes: r.estimated_bytes,
    status: r.status as ChunkStatus, attempts: r.attempts, exitCode: r.exit_code, severity: r.severity as Severity | null,
    filesCopied: r.files_copied, bytesCopied: r.bytes_copied, startedAt: r.started_at, finishedAt: r.finished_at,
    durationMs: r.duration_ms, lastError: r.last_error, carriedFrom: r.carried_from, destProbe: r.dest_probe ?? null,
    logPath: r.log_path === null ? null : loadName(r.log_path),
  };
}

/**
 * Inserts the plan of a profile run as Pending rows (inside the caller's transaction). Paths go
 * through storeName: a name that is not UTF-8 would otherwise be stored as U+FFFD, for good.
 */
export function insertChunks(ctx: StoreContext, profileRunId: number, chunks: readonly Chunk[]): void {
  const ins = ctx.stmt(
    `INSERT INTO chunks(profile_run_id, chunk_id, kind, rel_path, source, destination, estimated_files, estimated_bytes, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'Pending')`);
  for (const c of chunks) {
    ins.run(profileRunId, c.id, c.kind, storeName(c.relPath), storeName(c.sourcePath), storeName(c.destinationPath), c.estimatedFiles, c.estimatedBytes);
  }
}

function requireOne(changes: number, profileRunId: number, chunkId: string): void {
  if (changes !== 1) {
    throw new StateError('STATE_UNKNOWN_CHUNK', `chunk ${chunkId} is not part of profile run ${profileRunId} in the state database`);
  }
}

/**
 * Marks the start of attempt `attempt` (1-based) of a chunk, with the engine log that attempt
 * writes (the only file the dashboard will ever show for this chunk).
 */
export function markChunkRunning(ctx: StoreContext, profileRunId: number, chunkId: string, attempt: number, logPath?: string): void {
  const info = ctx.write(() => ctx.stmt(
    `UPDATE chunks SET status = 'Running', attempts = ?, started_at = ?, finished_at = NULL, duration_ms = NULL, log_path = ?
     WHERE profile_run_id = ? AND chunk_id = ?`).run(attempt, ctx.now(), logPath === undefined ? null : storeName(logPath), profileRunId, chunkId));
  requireOne(info.changes, profileRunId, chunkId);
}

/**
 * Takes back markChunkRunning for an attempt that never began (a drain or a lower job cap took it back from the
 * queue of a scale-out run): the chunk waits again, as if that attempt had not been started.
 */
export function markChunkPending(ctx: StoreContext, profileRunId: number, chunkId: string, attempts: number): void {
  const info = ctx.write(() => ctx.stmt(
    `UPDATE chunks SET status = 'Pending', attempts = ?, started_at = NULL, finished_at = NULL, duration_ms = NULL
     WHERE profile_run_id = ? AND chunk_id = ? AND status = 'Running'`).run(attempts, profileRunId, chunkId));
  requireOne(info.changes, profileRunId, chunkId);
}

/**
 * Records a chunk as done. Only a result the engine rated Success or Warning is accepted: this
 * row is what a resumed run trusts to skip the chunk, so an Error/Fatal here would lose data on
 * the next resume. The learnt duration goes to chunk_history in the same transaction (except in
 * dry runs, whose durations say nothing about copying).
 */
export function markChunkDone(ctx: StoreContext, profileRunId: number, chunkId: string, r: ChunkSuccess): void {
  if (r.severity !== 'Success' && r.severity !== 'Warning') {
    throw new StateError('STATE_NOT_A_SUCCESS',
      `chunk ${chunkId} cannot be recorded complete: the engine rated it ${r.severity} (exit code ${r.exitCode}); use markChunkFailed`);
  }
  const status: ChunkStatus = r.severity === 'Success' ? 'Complete' : 'CompleteWithWarnings';
  ctx.write(() => {
    const finishedAt = ctx.now();
    const info = ctx.stmt(
      `UPDATE chunks SET status = ?, exit_code = ?, severity = ?, files_copied = ?, bytes_copied = ?, finished_at = ?,
         duration_ms = ?, last_error = ?, carried_from = NULL, dest_probe = NULL
       WHERE profile_run_id = ? AND chunk_id = ?`,
    ).run(status, r.exitCode, r.severity, r.filesCopied, r.bytesCopied, finishedAt, Math.round(r.durationMs),
      r.severity === 'Warning' && r.message !== undefined ? displayName(r.message) : null, profileRunId, chunkId);
    requireOne(info.changes, profileRunId, chunkId);
    const owner = ctx.stmt(
      `SELECT p.profile, r.dry_run, c.estimated_bytes, c.estimated_files FROM profile_runs p JOIN runs r ON r.session_id = p.session_id
       JOIN chunks c ON c.profile_run_id = p.id AND c.chunk_id = ? WHERE p.id = ?`,
    ).get(chunkId, profileRunId) as { profile: string; dry_run: number; estimated_bytes: number; estimated_files: number };
    if (owner.dry_run === 0) {
      recordChunkHistory(ctx, owner.profile, chunkId, {
        bytes: r.attemptBytesCopied ?? r.bytesCopied, files: r.attemptFilesCopied ?? r.filesCopied, durationMs: r.durationMs, finishedAt, engine: r.engine,
        estBytes: owner.estimated_bytes, estFiles: owner.estimated_files,
      });
    }
  });
}

/** Records a failed attempt; a later markChunkRunning starts the next one. */
export function markChunkFailed(ctx: StoreContext, profileRunId: number, chunkId: string, f: ChunkFailure): void {
  const info = ctx.write(() => ctx.stmt(
    `UPDATE chunks SET status = 'Failed', exit_code = ?, severity = ?, files_copied = ?, bytes_copied = ?, finished_at = ?,
       duration_ms = ?, last_error = ?, carried_from = NULL
     WHERE profile_run_id = ? AND chunk_id = ?`,
  ).run(f.exitCode, f.severity, f.filesCopied ?? 0, f.bytesCopied ?? 0, ctx.now(),
    f.durationMs === undefined ? null : Math.round(f.durationMs), displayName(f.message), profileRunId, chunkId));
  requireOne(info.changes, profileRunId, chunkId);
}

/** The chunk rows of a profile run (optionally of one status), largest estimate first. */
export function listChunks(ctx: StoreContext, profileRunId: number, status?: ChunkStatus): ChunkRecord[] {
  const rows = status === undefined
    ? ctx.stmt('SELECT * FROM chunks WHERE profile_run_id = ? ORDER BY estimated_bytes DESC, chunk_id').all(profileRunId)
    : ctx.stmt('SELECT * FROM chunks WHERE profile_run_id = ? AND status = ? ORDER BY estimated_bytes DESC, chunk_id').all(profileRunId, status);
  return (rows as ChunkRow[]).map(toChunkRecord);
}

/** Number of chunks per status in a profile run (every status present, 0 when none). */
export function chunkCounts(ctx: StoreContext, profileRunId: number): Record<ChunkStatus, number> {
  const counts: Record<ChunkStatus, number> = { Pending: 0, Running: 0, Complete: 0, CompleteWithWarnings: 0, Failed: 0, Skipped: 0 };
  const rows = ctx.stmt('SELECT status, COUNT(*) AS n FROM chunks WHERE profile_run_id = ? GROUP BY status').all(profileRunId) as { status: ChunkStatus; n: number }[];
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/**
 * Stores what a completed chunk's destination looked like (resume-check.ts), so a later resume
 * can tell that the destination still holds the chunk. Only a done row takes one.
 */
export function recordDestinationProbe(ctx: StoreContext, profileRunId: number, chunkId: string, probe: string): void {
  ctx.write(() => ctx.stmt(
    `UPDATE chunks SET dest_probe = ? WHERE profile_run_id = ? AND chunk_id = ? AND status IN ('Complete', 'CompleteWithWarnings')`,
  ).run(probe, profileRunId, chunkId));
}

/**
 * Turns chunks a resume carried as done (`Skipped`) back into Pending, because their destination
 * no longer agrees with the checkpoint: they run again, and no later resume trusts them either.
 */
export function unskipChunks(ctx: StoreContext, profileRunId: number, chunkIds: readonly string[]): void {
  if (chunkIds.length === 0) return;
  ctx.write(() => {
    const upd = ctx.stmt(
      `UPDATE chunks SET status = 'Pending', exit_code = NULL, severity = NULL, files_copied = 0, bytes_copied = 0,
         started_at = NULL, finished_at = NULL, duration_ms = NULL, attempts = 0, carried_from = NULL, dest_probe = NULL
       WHERE profile_run_id = ? AND chunk_id = ? AND status = 'Skipped'`);
    for (const id of chunkIds) upd.run(profileRunId, id);
  });
}
