import type { RunEvent } from '../api';
import { lastRecordAt } from './attempt-records';
import { chunkCounts, listChunks } from './chunk-records';
import { doneBytes, readRunStatus } from './dashboard-queries';
import { lastEventSeq, readEventsSince } from './event-log';
import { ownerLiveness } from './process-identity';
import { profileRunsOfSession, withCountsSoFar } from './profile-runs';
import { getRun, lastRun, recentRuns } from './run-records';
import type { StoreContext } from './store-context';
import type { ChunkRecord, ChunkStatus, ProfileRunRecord, RunRecord } from './types';

/**
 * How a session stands: `running` (not ended, process alive or on another host), `ended`, or
 * `interrupted` (never ended and its process is gone: killed, crashed, power loss).
 */
export type SessionState = 'running' | 'ended' | 'interrupted';

export interface ProfileRunStatus {
  profileRun: ProfileRunRecord;
  counts: Record<ChunkStatus, number>;
  /** Estimated bytes of the chunks that are done (including carried ones). */
  bytesDone: number;
  running: ChunkRecord[];
  failed: ChunkRecord[];
}

export interface SessionStatus {
  run: RunRecord;
  state: SessionState;
  profiles: ProfileRunStatus[];
  lastEventSeq: number;
  lastEvent?: RunEvent;
  /** The newest live status the session published (run_status, about once a second), parsed. */
  live?: { updatedAt: string; status: Record<string, unknown> };
  /** When a session that never ended was last seen alive (its duration ends there). */
  lastRecordAt?: string;
}

export interface HistoryEntry {
  run: RunRecord;
  state: SessionState;
  profiles: { profileRun: ProfileRunRecord; counts: Record<ChunkStatus, number> }[];
  /** When a session that never ended was last seen alive (its duration ends there). */
  lastRecordAt?: string;
}

function liveOf(ctx: StoreContext, sessionId: string): SessionStatus['live'] {
  const row = readRunStatus(ctx, sessionId);
  if (!row) return undefined;
  try {
    const status = JSON.parse(row.json) as unknown;
    return status && typeof status === 'object' ? { updatedAt: row.updatedAt, status: status as Record<string, unknown> } : undefined;
  } catch {
    return undefined; // a torn or foreign row: the chunk table still tells the story
  }
}

/** Running, ended or interrupted, judged from the row and the liveness of its process. */
export function sessionState(run: RunRecord): SessionState {
  if (run.endedAt !== null) return 'ended';
  return ownerLiveness(run) === 'dead' ? 'interrupted' : 'running';
}

function profileStatus(ctx: StoreContext, p: ProfileRunRecord): ProfileRunStatus {
  return {
    profileRun: withCountsSoFar(ctx, p),
    counts: chunkCounts(ctx, p.id),
    bytesDone: doneBytes(ctx, p.id),
    running: listChunks(ctx, p.id, 'Running'),
    failed: listChunks(ctx, p.id, 'Failed'),
  };
}

/**
 * The status of a session (default: the newest). Reads only, in one read transaction so the
 * figures agree with each other while another process keeps writing.
 */
export function sessionStatus(ctx: StoreContext, sessionId?: string): SessionStatus | undefined {
  return ctx.db.transaction(() => {
    const run = sessionId === undefined ? lastRun(ctx) : getRun(ctx, sessionId);
    if (!run) return undefined;
    const seq = lastEventSeq(ctx, run.sessionId);
    const lastEvent = seq > 0 ? readEventsSince(ctx, run.sessionId, seq - 1, 1)[0] : undefined;
    return {
      run,
      state: sessionState(run),
      profiles: profileRunsOfSession(ctx, run.sessionId).map((p) => profileStatus(ctx, p)),
      lastEventSeq: seq,
      lastEvent,
      live: liveOf(ctx, run.sessionId),
      lastRecordAt: run.endedAt === null ? lastRecordAt(ctx, run.sessionId) : undefined,
    };
  }).deferred();
}

/** The newest `limit` sessions with their profile runs, for `robocurse history`. */
export function runHistory(ctx: StoreContext, limit: number): HistoryEntry[] {
  return ctx.db.transaction(() => recentRuns(ctx, limit).map((run) => ({
    run,
    state: sessionState(run),
    profiles: profileRunsOfSession(ctx, run.sessionId).map((p) => ({ profileRun: withCountsSoFar(ctx, p), counts: chunkCounts(ctx, p.id) })),
    lastRecordAt: run.endedAt === null ? lastRecordAt(ctx, run.sessionId) : undefined,
  }))).deferred();
}
