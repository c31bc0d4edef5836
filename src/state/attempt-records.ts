import { displayName } from '../fs/byte-names';
import type { StoreContext } from './store-context';
import type { AttemptInput, AttemptRecordRow } from './types';

/**
 * The last moment a session is known to have been alive: its newest event, live status sample or
 * chunk attempt. What an interrupted session's duration is measured to (it has no end time).
 */
export function lastRecordAt(ctx: StoreContext, sessionId: string): string | undefined {
  const ev = ctx.stmt('SELECT timestamp AS t FROM events WHERE session_id = ? ORDER BY seq DESC LIMIT 1').get(sessionId) as { t: string } | undefined;
  const st = ctx.stmt('SELECT updated_at AS t FROM run_status WHERE session_id = ?').get(sessionId) as { t: string } | undefined;
  const at = ctx.stmt(
    'SELECT MAX(a.finished_at) AS t FROM chunk_attempts a JOIN profile_runs p ON p.id = a.profile_run_id WHERE p.session_id = ?',
  ).get(sessionId) as { t: string | null };
  // Event timestamps carry the host's offset, the others are UTC: compared as instants.
  let best: string | undefined;
  for (const t of [ev?.t, st?.t, at.t]) if (t && (!best || Date.parse(t) > Date.parse(best))) best = t;
  return best;
}

/**
 * Records one attempt of a chunk (retried, failed, killed or the last) and sets the chunk row's
 * counts to the chunk's totals over its attempts, in one transaction.
 */
export function recordAttempt(ctx: StoreContext, profileRunId: number, chunkId: string, a: AttemptInput): void {
  ctx.write(() => {
    ctx.stmt(
      `INSERT OR REPLACE INTO chunk_attempts(profile_run_id, chunk_id, attempt, started_at, finished_at, duration_ms, exit_code,
         severity, killed, files_copied, bytes_copied, files_skipped, bytes_skipped, files_failed, extras_removed, message, only_files)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(profileRunId, chunkId, a.attempt, a.startedAt ?? null, a.finishedAt ?? ctx.now(), Math.round(a.durationMs), a.exitCode, a.severity,
      a.killed ? 1 : 0, a.stats.filesCopied, a.stats.bytesCopied, a.stats.filesSkipped, a.stats.bytesSkipped, a.stats.filesFailed,
      a.stats.extrasRemoved, a.message === undefined ? null : displayName(a.message), a.onlyFiles ?? null);
    ctx.stmt('UPDATE chunks SET files_copied = ?, bytes_copied = ?, files_skipped = ? WHERE profile_run_id = ? AND chunk_id = ?')
      .run(a.totals.filesCopied, a.totals.bytesCopied, a.totals.filesSkipped, profileRunId, chunkId);
  });
}

interface Row {
  chunk_id: string; attempt: number; started_at: string | null; finished_at: string; duration_ms: number | null; exit_code: number | null;
  severity: string | null; killed: number; files_copied: number; bytes_copied: number; files_skipped: number; bytes_skipped: number;
  files_failed: number; extras_removed: number; message: string | null; only_files: number | null;
}

/** The attempts of a profile run (of one chunk, when given), in order. */
export function listAttempts(ctx: StoreContext, profileRunId: number, chunkId?: string): AttemptRecordRow[] {
  const rows = (chunkId === undefined
    ? ctx.stmt('SELECT * FROM chunk_attempts WHERE profile_run_id = ? ORDER BY chunk_id, attempt').all(profileRunId)
    : ctx.stmt('SELECT * FROM chunk_attempts WHERE profile_run_id = ? AND chunk_id = ? ORDER BY attempt').all(profileRunId, chunkId)) as Row[];
  return rows.map((r) => ({
    chunkId: r.chunk_id, attempt: r.attempt, startedAt: r.started_at, finishedAt: r.finished_at, durationMs: r.duration_ms,
    exitCode: r.exit_code, severity: r.severity, killed: r.killed === 1, filesCopied: r.files_copied, bytesCopied: r.bytes_copied,
    filesSkipped: r.files_skipped, bytesSkipped: r.bytes_skipped, filesFailed: r.files_failed, extrasRemoved: r.extras_removed,
    message: r.message, ...(r.only_files !== null ? { onlyFiles: r.only_files } : {}),
  }));
}
