import { loadName, storeName } from '../fs/byte-names';
import type { StoreContext } from './store-context';

/** One file still failing after its chunk's last attempt, as stored. */
export interface FailedFileRow {
  profile: string;
  chunkId: string;
  /** Relative to the profile's source root, '/'-separated (byte-names.ts: exact, not escaped). */
  path: string;
  error: string;
  severity: 'Error' | 'Warning';
  attempts: number;
}

/**
 * Sets the failed files of one chunk of a profile run: the ones its last attempt failed, or none
 * (a chunk that completed after a retry of its own). One indexed delete when there are none.
 */
export function replaceFailedFiles(ctx: StoreContext, profileRunId: number, chunkId: string, files: readonly Omit<FailedFileRow, 'profile' | 'chunkId'>[]): void {
  ctx.write(() => {
    ctx.stmt('DELETE FROM failed_files WHERE profile_run_id = ? AND chunk_id = ?').run(profileRunId, chunkId);
    const insert = ctx.stmt('INSERT OR REPLACE INTO failed_files(profile_run_id, chunk_id, path, error, severity, attempts) VALUES (?, ?, ?, ?, ?, ?)');
    for (const f of files) insert.run(profileRunId, chunkId, storeName(f.path), storeName(f.error), f.severity, f.attempts);
  });
}

interface Row { profile: string; chunk_id: string; path: string; error: string; severity: 'Error' | 'Warning'; attempts: number }

/** Every failed file of a session, by profile run, chunk and path. */
export function listFailedFiles(ctx: StoreContext, sessionId: string): FailedFileRow[] {
  const rows = ctx.stmt(
    `SELECT p.profile, f.chunk_id, f.path, f.error, f.severity, f.attempts FROM failed_files f
       JOIN profile_runs p ON p.id = f.profile_run_id WHERE p.session_id = ? ORDER BY p.id, f.chunk_id, f.path`,
  ).all(sessionId) as Row[];
  return rows.map((r) => ({ profile: r.profile, chunkId: r.chunk_id, path: loadName(r.path), error: loadName(r.error), severity: r.severity, attempts: r.attempts }));
}
