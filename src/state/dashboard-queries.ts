import type { RunEvent, RunEventType } from '../api';
import { toChunkRecord, type ChunkRow } from './chunk-records';
import type { StoreContext } from './store-context';
import type { ChunkRecord, ChunkStatus } from './types';

/** Columns a chunk page can be sorted by, mapped to SQL (never built from client text). */
export const CHUNK_SORTS = {
  size: 'c.estimated_bytes',
  path: 'c.rel_path',
  status: `CASE c.status WHEN 'Running' THEN 0 WHEN 'Failed' THEN 1 WHEN 'Pending' THEN 2 WHEN 'CompleteWithWarnings' THEN 3
           WHEN 'Complete' THEN 4 ELSE 5 END`,
  attempts: 'c.attempts',
  started: 'c.started_at',
  duration: 'c.duration_ms',
  copied: 'c.bytes_copied',
} as const;
export type ChunkSort = keyof typeof CHUNK_SORTS;

export interface ChunkPageQuery {
  /** One profile run of the session, or all of them. */
  profileRunId?: number;
  statuses?: readonly ChunkStatus[];
  /** Substring of the relative path (case-insensitive for ASCII). */
  q?: string;
  sort: ChunkSort;
  descending: boolean;
  offset: number;
  limit: number;
}

export interface SessionChunk extends ChunkRecord { profile: string }

export interface ChunkPage { total: number; rows: SessionChunk[] }

/** `LIKE` with the pattern's own wildcards taken literally. */
function likeContains(q: string): string {
  return `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

function pageWhere(sessionId: string, q: ChunkPageQuery): { sql: string; args: unknown[] } {
  const parts = ['p.session_id = ?'];
  const args: unknown[] = [sessionId];
  if (q.profileRunId !== undefined) { parts.push('c.profile_run_id = ?'); args.push(q.profileRunId); }
  if (q.statuses && q.statuses.length > 0) {
    parts.push(`c.status IN (${q.statuses.map(() => '?').join(', ')})`);
    args.push(...q.statuses);
  }
  if (q.q) { parts.push("c.rel_path LIKE ? ESCAPE '\\'"); args.push(likeContains(q.q)); }
  return { sql: parts.join(' AND '), args };
}

/**
 * One page of a session's chunks, filtered and sorted in SQLite, so a table of 100,000 chunks
 * costs one indexed query per screen instead of shipping every row to the browser.
 */
export function chunkPage(ctx: StoreContext, sessionId: string, q: ChunkPageQuery): ChunkPage {
  return ctx.db.transaction(() => {
    const where = pageWhere(sessionId, q);
    const from = 'FROM chunks c JOIN profile_runs p ON p.id = c.profile_run_id';
    const total = (ctx.db.prepare(`SELECT COUNT(*) AS n ${from} WHERE ${where.sql}`).get(...where.args) as { n: number }).n;
    const dir = q.descending ? 'DESC' : 'ASC';
    // Ties broken by the primary key, so paging never repeats or skips a row.
    const rows = ctx.db.prepare(
      `SELECT c.*, p.profile AS profile ${from} WHERE ${where.sql}
       ORDER BY ${CHUNK_SORTS[q.sort]} ${dir}, c.profile_run_id ${dir}, c.chunk_id ${dir} LIMIT ? OFFSET ?`,
    ).all(...where.args, q.limit, q.offset) as (ChunkRow & { profile: string })[];
    return { total, rows: rows.map((r) => ({ ...toChunkRecord(r), profile: r.profile })) };
  }).deferred();
}

/** Estimated bytes of a profile run's chunks that are done (copied now or carried from a resumed run). */
export function doneBytes(ctx: StoreContext, profileRunId: number): number {
  return (ctx.stmt(
    `SELECT COALESCE(SUM(estimated_bytes), 0) AS b FROM chunks
     WHERE profile_run_id = ? AND status IN ('Complete', 'CompleteWithWarnings', 'Skipped')`).get(profileRunId) as { b: number }).b;
}

/** A chunk of the session, by id (and profile run when the same id occurs in two of them). */
export function findSessionChunk(ctx: StoreContext, sessionId: string, chunkId: string, profileRunId?: number): SessionChunk | undefined {
  const row = ctx.stmt(
    `SELECT c.*, p.profile AS profile FROM chunks c JOIN profile_runs p ON p.id = c.profile_run_id
     WHERE p.session_id = ? AND c.chunk_id = ? AND (? IS NULL OR c.profile_run_id = ?) ORDER BY c.profile_run_id DESC LIMIT 1`,
  ).get(sessionId, chunkId, profileRunId ?? null, profileRunId ?? null) as (ChunkRow & { profile: string }) | undefined;
  return row && { ...toChunkRecord(row), profile: row.profile };
}

/** Chunks that ended badly or with warnings, counted per (severity, exit code), with the first `perGroup` of each. */
export function problemChunks(ctx: StoreContext, sessionId: string, perGroup: number): { groups: { severity: string; exitCode: number; count: number }[]; rows: SessionChunk[] } {
  return ctx.db.transaction(() => {
    const where = `p.session_id = ? AND c.status IN ('Failed', 'CompleteWithWarnings')`;
    const groups = (ctx.stmt(
      `SELECT COALESCE(c.severity, 'Error') AS severity, COALESCE(c.exit_code, -1) AS exitCode, COUNT(*) AS count
       FROM chunks c JOIN profile_runs p ON p.id = c.profile_run_id WHERE ${where} GROUP BY 1, 2 ORDER BY 1, 2`,
    ).all(sessionId) as { severity: string; exitCode: number; count: number }[]);
    // A window per group: a group of 100,000 failures costs its first rows, not all of them.
    const rows = ctx.stmt(
      `SELECT * FROM (
         SELECT c.*, p.profile AS profile, ROW_NUMBER() OVER (
           PARTITION BY COALESCE(c.severity, 'Error'), COALESCE(c.exit_code, -1) ORDER BY c.profile_run_id, c.rel_path, c.chunk_id) AS n
         FROM chunks c JOIN profile_runs p ON p.id = c.profile_run_id WHERE ${where})
       WHERE n <= ? ORDER BY severity, exit_code, n`,
    ).all(sessionId, perGroup) as (ChunkRow & { profile: string })[];
    return { groups, rows: rows.map((r) => ({ ...toChunkRecord(r), profile: r.profile })) };
  }).deferred();
}

/** The newest `limit` events of the given types, oldest first (indexed by session and type). */
export function eventsOfTypes(ctx: StoreContext, sessionId: string, types: readonly RunEventType[], limit: number): RunEvent[] {
  const rows = ctx.db.prepare(
    `SELECT json FROM events WHERE session_id = ? AND type IN (${types.map(() => '?').join(', ')}) ORDER BY seq DESC LIMIT ?`,
  ).all(sessionId, ...types, limit) as { json: string }[];
  return rows.reverse().map((r) => JSON.parse(r.json) as RunEvent);
}

/** The newest `limit` events of a session, oldest first. */
export function latestEvents(ctx: StoreContext, sessionId: string, limit: number): RunEvent[] {
  const rows = ctx.stmt('SELECT json FROM events WHERE session_id = ? ORDER BY seq DESC LIMIT ?').all(sessionId, limit) as { json: string }[];
  return rows.reverse().map((r) => JSON.parse(r.json) as RunEvent);
}

/** Stores the live status a running session publishes about once a second (one row per session). */
export function writeRunStatus(ctx: StoreContext, sessionId: string, json: string): void {
  ctx.write(() => ctx.stmt(
    `INSERT INTO run_status(session_id, updated_at, json) VALUES (?, ?, ?)
     ON CONFLICT(session_id) DO UPDATE SET updated_at = excluded.updated_at, json = excluded.json`,
  ).run(sessionId, ctx.now(), json));
}

/** The last live status a session published, with when. */
export function readRunStatus(ctx: StoreContext, sessionId: string): { updatedAt: string; json: string } | undefined {
  const row = ctx.stmt('SELECT updated_at, json FROM run_status WHERE session_id = ?').get(sessionId) as { updated_at: string; json: string } | undefined;
  return row && { updatedAt: row.updated_at, json: row.json };
}
