import type { Chunk, ProfileResult } from '../api';
import { insertChunks } from './chunk-records';
import { StateError } from './errors';
import { getRun } from './run-records';
import type { StoreContext } from './store-context';
import type { BeginProfileRunOptions, BeginProfileRunResult, ProfileRunEnd, ProfileRunRecord } from './types';

interface ProfileRunRow {
  id: number; session_id: string; profile: string; fingerprint: string; started_at: string; ended_at: string | null;
  result: string | null; chunks_total: number; bytes_total: number; files_total: number; bytes_copied: number;
  files_copied: number; resumed_from: number | null; error: string | null; extras_removed: number; files_skipped?: number;
}

/** Maps a `profile_runs` row to its record. */
export function toProfileRunRecord(r: ProfileRunRow): ProfileRunRecord {
  return {
    id: r.id, sessionId: r.session_id, profile: r.profile, fingerprint: r.fingerprint, startedAt: r.started_at,
    endedAt: r.ended_at, result: r.result as ProfileResult | null, chunksTotal: r.chunks_total, bytesTotal: r.bytes_total,
    filesTotal: r.files_total, bytesCopied: r.bytes_copied, filesCopied: r.files_copied, resumedFrom: r.resumed_from,
    error: r.error ?? null, extrasRemoved: r.extras_removed ?? 0, filesSkipped: r.files_skipped ?? 0,
  };
}

/** The newest profile run of `profile` that belongs to a real (not dry) run. */
export function lastRealProfileRun(ctx: StoreContext, profile: string): ProfileRunRecord | undefined {
  const row = ctx.stmt(
    `SELECT p.* FROM profile_runs p JOIN runs r ON r.session_id = p.session_id
     WHERE p.profile = ? AND r.dry_run = 0 ORDER BY p.id DESC LIMIT 1`).get(profile) as ProfileRunRow | undefined;
  return row && toProfileRunRecord(row);
}

/** One profile run by id. */
export function getProfileRun(ctx: StoreContext, id: number): ProfileRunRecord | undefined {
  const row = ctx.stmt('SELECT * FROM profile_runs WHERE id = ?').get(id) as ProfileRunRow | undefined;
  return row && toProfileRunRecord(row);
}

/** The profile runs of a session, in the order they started. */
export function profileRunsOfSession(ctx: StoreContext, sessionId: string): ProfileRunRecord[] {
  return (ctx.stmt('SELECT * FROM profile_runs WHERE session_id = ? ORDER BY id').all(sessionId) as ProfileRunRow[]).map(toProfileRunRecord);
}

/**
 * Why `prev` must not be resumed, or null when it may be. See beginProfileRun for the rule.
 */
function refuseResume(ctx: StoreContext, prev: ProfileRunRecord | undefined, fingerprint: string): string | null {
  if (!prev) return 'there is no earlier real run of this profile';
  if (prev.fingerprint !== fingerprint) {
    return `the profile's source, destination, chunking, excludes, mirror or engine changed since run ${prev.id}`;
  }
  const notDone = ctx.stmt(
    `SELECT COUNT(*) AS n FROM chunks WHERE profile_run_id = ? AND status NOT IN ('Complete', 'CompleteWithWarnings', 'Skipped')`,
  ).get(prev.id) as { n: number };
  if (prev.endedAt !== null && notDone.n === 0) return `the previous run (${prev.id}) finished with every chunk done`;
  return null;
}

/**
 * Starts a profile run with its chunk plan, in one transaction.
 *
 * Resume rule: with `resume`, the newest earlier profile run of the same profile that belongs to
 * a real run (dry runs are never a base: they copied nothing) is resumed when it did not finish
 * with every chunk done (killed: no end recorded; or stopped / failed with chunks left) AND its
 * fingerprint equals `fingerprint`. Then every chunk of the new plan whose stable id was
 * Complete, CompleteWithWarnings or Skipped there is inserted as `Skipped`, carrying the original
 * result and `carriedFrom` (the run that copied it). Because carried rows are themselves Skipped,
 * the next resume finds them again: any number of successive kills loses nothing. A dry run never
 * resumes. A newer run with another fingerprint breaks the chain for good, since it may have
 * changed the destination (mirror) under the old checkpoint.
 */
export function beginProfileRun(
  ctx: StoreContext, sessionId: string, profile: string, fingerprint: string,
  chunks: readonly Chunk[], options: BeginProfileRunOptions,
): BeginProfileRunResult {
  return ctx.write(() => {
    const run = getRun(ctx, sessionId);
    if (!run) throw new StateError('STATE_UNKNOWN_RUN', `no run with session id ${sessionId}: call beginRun first`);
    let base: ProfileRunRecord | undefined;
    let notResumedBecause: string | undefined;
    if (options.resume) {
      if (run.dryRun) {
        notResumedBecause = 'a dry run never resumes';
      } else {
        const prev = lastRealProfileRun(ctx, profile);
        const why = refuseResume(ctx, prev, fingerprint);
        if (why === null) base = prev; else notResumedBecause = why;
      }
    }
    const bytesTotal = chunks.reduce((s, c) => s + c.estimatedBytes, 0);
    const filesTotal = chunks.reduce((s, c) => s + c.estimatedFiles, 0);
    const id = Number(ctx.stmt(
      `INSERT INTO profile_runs(session_id, profile, fingerprint, started_at, chunks_total, bytes_total, files_total, resumed_from)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(sessionId, profile, fingerprint, ctx.now(), chunks.length, bytesTotal, filesTotal, base?.id ?? null).lastInsertRowid);
    insertChunks(ctx, id, chunks);
    const completedChunkIds = new Set<string>();
    if (base) {
      ctx.stmt(
        `UPDATE chunks SET status = 'Skipped', exit_code = o.exit_code, severity = o.severity, files_copied = o.files_copied,
           bytes_copied = o.bytes_copied, started_at = o.started_at, finished_at = o.finished_at, duration_ms = o.duration_ms,
           attempts = o.attempts, carried_from = COALESCE(o.carried_from, o.profile_run_id), dest_probe = o.dest_probe
         FROM (SELECT * FROM chunks WHERE profile_run_id = ? AND status IN ('Complete', 'CompleteWithWarnings', 'Skipped')) AS o
         WHERE chunks.profile_run_id = ? AND chunks.chunk_id = o.chunk_id`,
      ).run(base.id, id);
      // A carried chunk that ended with warnings keeps the files it could not copy (failedFilesSeverity
      // "warning"): history --failed-files of the resumed session lists them too.
      ctx.stmt(
        `INSERT INTO failed_files(profile_run_id, chunk_id, path, error, severity, attempts)
         SELECT ?, f.chunk_id, f.path, f.error, f.severity, f.attempts FROM failed_files f
           JOIN chunks c ON c.profile_run_id = ? AND c.chunk_id = f.chunk_id AND c.status = 'Skipped'
          WHERE f.profile_run_id = ?`,
      ).run(id, id, base.id);
      for (const r of ctx.stmt("SELECT chunk_id FROM chunks WHERE profile_run_id = ? AND status = 'Skipped'").all(id) as { chunk_id: string }[]) {
        completedChunkIds.add(r.chunk_id);
      }
    }
    return { profileRunId: id, completedChunkIds, resumedFrom: base?.id, notResumedBecause };
  });
}

/** What a profile run copied so far, from its chunk rows (carried chunks excluded, as at its end). */
export function copiedSoFar(ctx: StoreContext, profileRunId: number): { bytes: number; files: number; skipped: number } {
  return ctx.stmt(
    `SELECT COALESCE(SUM(bytes_copied), 0) AS bytes, COALESCE(SUM(files_copied), 0) AS files, COALESCE(SUM(files_skipped), 0) AS skipped
     FROM chunks WHERE profile_run_id = ? AND status != 'Skipped'`).get(profileRunId) as { bytes: number; files: number; skipped: number };
}

/** A profile run with its counts so far when it has not ended (killed runs never record them). */
export function withCountsSoFar(ctx: StoreContext, p: ProfileRunRecord): ProfileRunRecord {
  if (p.endedAt !== null) return p;
  const c = copiedSoFar(ctx, p.id);
  return { ...p, bytesCopied: c.bytes, filesCopied: c.files, filesSkipped: c.skipped };
}

/**
 * Ends a profile run: stores its result and the totals copied by this run (carried chunks
 * excluded: their bytes were copied by the run named in carriedFrom).
 */
export function endProfileRun(ctx: StoreContext, profileRunId: number, result: ProfileResult, end: ProfileRunEnd = {}): ProfileRunRecord {
  return ctx.write(() => {
    const sums = copiedSoFar(ctx, profileRunId);
    const info = ctx.stmt('UPDATE profile_runs SET ended_at = ?, result = ?, bytes_copied = ?, files_copied = ?, files_skipped = ?, error = ?, extras_removed = ? WHERE id = ?')
      .run(ctx.now(), result, sums.bytes, sums.files, sums.skipped, end.error ?? null, end.extrasRemoved ?? 0, profileRunId);
    if (info.changes !== 1) throw new StateError('STATE_UNKNOWN_RUN', `no profile run ${profileRunId} in the state database`);
    return getProfileRun(ctx, profileRunId)!;
  });
}
