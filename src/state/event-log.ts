import type { RunEvent } from '../api';
import type { StoreContext } from './store-context';

function insert(ctx: StoreContext, e: RunEvent): void {
  // OR IGNORE: an event re-sent with the same (session, seq) is the same event; keeping the first
  // makes a retried flush harmless instead of failing the run.
  ctx.stmt('INSERT OR IGNORE INTO events(session_id, seq, type, timestamp, json) VALUES (?, ?, ?, ?, ?)')
    .run(e.sessionId, e.seq, e.type, e.timestamp, JSON.stringify(e));
}

/** Stores one event. */
export function recordEvent(ctx: StoreContext, event: RunEvent): void {
  ctx.write(() => insert(ctx, event));
}

/** Stores several events in one transaction (one fsync), for bursts such as progress ticks. */
export function recordEvents(ctx: StoreContext, events: readonly RunEvent[]): void {
  if (events.length === 0) return;
  ctx.write(() => { for (const e of events) insert(ctx, e); });
}

/** Events of a session with seq > `afterSeq`, in order; a follower passes the last seq it saw. */
export function readEventsSince(ctx: StoreContext, sessionId: string, afterSeq: number, limit = 1000): RunEvent[] {
  const rows = ctx.stmt('SELECT json FROM events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?')
    .all(sessionId, afterSeq, limit) as { json: string }[];
  return rows.map((r) => JSON.parse(r.json) as RunEvent);
}

/** The highest seq stored for a session, or 0 when it has none. */
export function lastEventSeq(ctx: StoreContext, sessionId: string): number {
  const row = ctx.stmt('SELECT MAX(seq) AS seq FROM events WHERE session_id = ?').get(sessionId) as { seq: number | null };
  return row.seq ?? 0;
}

/**
 * Deletes the events of all but the newest `keepSessions` sessions (runs and chunk rows stay:
 * they are the history). Events are the bulk of the file on long-lived installs; returns the
 * number of events deleted.
 */
export function pruneEvents(ctx: StoreContext, keepSessions: number): number {
  return ctx.write(() => ctx.stmt(
    `DELETE FROM events WHERE session_id NOT IN (SELECT session_id FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?)`,
  ).run(Math.max(0, Math.floor(keepSessions))).changes);
}

/**
 * Retention (`global.retention.eventsDays`): deletes events older than `beforeIso`, except those
 * of the sessions in `keep` (running ones: a dashboard or coordinator replays them). Returns the
 * number deleted.
 */
export function pruneEventsBefore(ctx: StoreContext, beforeIso: string, keep: readonly string[]): number {
  return ctx.write(() => ctx.stmt(
    `DELETE FROM events WHERE timestamp < ? AND session_id NOT IN (SELECT value FROM json_each(?))`,
  ).run(beforeIso, JSON.stringify(keep)).changes);
}
