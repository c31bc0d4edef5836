import type { SessionOutcome } from '../api';
import { StateError } from './errors';
import type { StoreContext } from './store-context';
import type { BeginRunInput, ProcessOwner, RunRecord } from './types';

interface RunRow {
  session_id: string; config_hash: string; config_path: string; started_at: string; ended_at: string | null;
  outcome: string | null; exit_code: number | null; pid: number; host: string; proc_identity: string | null; dry_run: number;
  log_dir?: string | null;
}

/** Maps a `runs` row to its record. */
export function toRunRecord(r: RunRow): RunRecord {
  return {
    sessionId: r.session_id, configHash: r.config_hash, configPath: r.config_path, startedAt: r.started_at,
    endedAt: r.ended_at, outcome: r.outcome as SessionOutcome | null, exitCode: r.exit_code,
    pid: r.pid, host: r.host, identity: r.proc_identity, dryRun: r.dry_run === 1, logDir: r.log_dir ?? null,
  };
}

/** Records the start of a session by this process. */
export function beginRun(ctx: StoreContext, input: BeginRunInput, owner: ProcessOwner): RunRecord {
  const startedAt = ctx.now();
  ctx.write(() => ctx.stmt(
    `INSERT INTO runs(session_id, config_hash, config_path, started_at, pid, host, proc_identity, dry_run, log_dir)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(input.sessionId, input.configHash, input.configPath, startedAt, owner.pid, owner.host, owner.identity, input.dryRun ? 1 : 0, input.logDir ?? null));
  return getRun(ctx, input.sessionId)!;
}

/** Records how a session ended. */
export function endRun(ctx: StoreContext, sessionId: string, outcome: SessionOutcome, exitCode: number): void {
  const info = ctx.write(() => ctx.stmt('UPDATE runs SET ended_at = ?, outcome = ?, exit_code = ? WHERE session_id = ?')
    .run(ctx.now(), outcome, exitCode, sessionId));
  if (info.changes !== 1) throw new StateError('STATE_UNKNOWN_RUN', `no run with session id ${sessionId} in the state database`);
}

/** One run by session id. */
export function getRun(ctx: StoreContext, sessionId: string): RunRecord | undefined {
  const row = ctx.stmt('SELECT * FROM runs WHERE session_id = ?').get(sessionId) as RunRow | undefined;
  return row && toRunRecord(row);
}

/** The most recent runs, newest first. */
export function recentRuns(ctx: StoreContext, limit: number): RunRecord[] {
  return (ctx.stmt('SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?').all(limit) as RunRow[]).map(toRunRecord);
}

/** The newest run, or the newest run that ran `profile`. */
export function lastRun(ctx: StoreContext, profile?: string): RunRecord | undefined {
  const row = profile === undefined
    ? ctx.stmt('SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1').get()
    : ctx.stmt(`SELECT r.* FROM runs r JOIN profile_runs p ON p.session_id = r.session_id
                WHERE p.profile = ? ORDER BY p.id DESC LIMIT 1`).get(profile);
  return row ? toRunRecord(row as RunRow) : undefined;
}
