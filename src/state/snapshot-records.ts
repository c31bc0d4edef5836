import type { SnapshotInfo } from '../api';
import { ownerLiveness } from './process-identity';
import type { StoreContext } from './store-context';
import type { SnapshotRecord } from './types';

interface SnapshotRow {
  id: number; session_id: string; profile: string; provider: string; snapshot_id: string; source_path: string;
  snapshot_path: string; created_at: string; deleted_at: string | null; persistent: number;
}

function toSnapshot(r: SnapshotRow): SnapshotRecord {
  return {
    id: r.id, sessionId: r.session_id, profile: r.profile, provider: r.provider, snapshotId: r.snapshot_id,
    sourcePath: r.source_path, snapshotPath: r.snapshot_path, createdAt: r.created_at, deletedAt: r.deleted_at,
    persistent: r.persistent === 1,
  };
}

/** Records a snapshot right after it was made, so a crash before its deletion leaves a trace. */
export function recordSnapshot(ctx: StoreContext, sessionId: string, profile: string, info: SnapshotInfo, persistent = false): number {
  const res = ctx.write(() => ctx.stmt(
    `INSERT INTO snapshots(session_id, profile, provider, snapshot_id, source_path, snapshot_path, created_at, persistent)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(sessionId, profile, info.provider, info.id, info.sourcePath, info.snapshotPath, info.createdAt || ctx.now(), persistent ? 1 : 0));
  return Number(res.lastInsertRowid);
}

/** Records that a snapshot is gone (idempotent). */
export function markSnapshotDeleted(ctx: StoreContext, provider: string, snapshotId: string): void {
  ctx.write(() => ctx.stmt('UPDATE snapshots SET deleted_at = ? WHERE provider = ? AND snapshot_id = ? AND deleted_at IS NULL')
    .run(ctx.now(), provider, snapshotId));
}

/**
 * Snapshots not yet deleted that nobody will delete: not persistent, and made by a session that
 * ended or whose process is dead. A session still running (on this host), or whose process runs on
 * another host and has not ended, is left alone: its own `finally` deletes its snapshots.
 */
export function listOrphanSnapshots(ctx: StoreContext): SnapshotRecord[] {
  const rows = ctx.stmt(
    `SELECT s.*, r.ended_at AS run_ended_at, r.pid, r.host, r.proc_identity
     FROM snapshots s LEFT JOIN runs r ON r.session_id = s.session_id
     WHERE s.deleted_at IS NULL AND s.persistent = 0 ORDER BY s.id`).all() as (SnapshotRow & {
      run_ended_at: string | null; pid: number | null; host: string | null; proc_identity: string | null })[];
  return rows.filter((r) => {
    if (r.pid === null || r.host === null || r.run_ended_at !== null) return true;
    return ownerLiveness({ pid: r.pid, host: r.host, identity: r.proc_identity }) === 'dead';
  }).map(toSnapshot);
}

/** Every snapshot not yet deleted (persistent ones and those of running sessions included). */
export function listLiveSnapshots(ctx: StoreContext): SnapshotRecord[] {
  return (ctx.stmt('SELECT * FROM snapshots WHERE deleted_at IS NULL ORDER BY id').all() as SnapshotRow[]).map(toSnapshot);
}
