import type { ProfileResult, RunEvent, RunEventPayloads } from '../api';
import { displayName } from '../fs/byte-names';
import { sessionState, type ChunkStatus, type HistoryEntry, type RunRecord, type SessionChunk, type SessionState, type StateStore } from '../state';
import { toEnvelope, type EventEnvelope, type EventOrigin } from './envelope';
import type { LiveStatus } from './live-status';

/** A session as the page's header and history list show it. */
export interface SessionView {
  sessionId: string;
  state: SessionState;
  startedAt: string;
  endedAt: string | null;
  outcome: string | null;
  exitCode: number | null;
  host: string;
  pid: number;
  dryRun: boolean;
  configPath: string;
}

export interface ProfileView {
  name: string;
  index: number;
  /** waiting: not started yet in this session; running: started, not ended; done: ended. */
  state: 'waiting' | 'running' | 'done';
  profileRunId?: number;
  result?: ProfileResult | null;
  source?: string;
  destination?: string;
  engine?: string;
  chunksTotal: number;
  counts: Record<ChunkStatus, number>;
  bytesTotal: number;
  bytesDone: number;
  bytesCopied: number;
  filesCopied: number;
  startedAt?: string;
  endedAt?: string | null;
}

/** What a tab needs to draw a session from scratch; sent first on every stream and on a gap. */
export interface RunSnapshot {
  /** Events up to this seq are reflected; the stream continues after it. */
  seq: number;
  session: SessionView;
  profiles: ProfileView[];
  live?: LiveStatus;
  /** The SessionEnd payload once the session has ended. */
  summary?: RunEventPayloads['SessionEnd'];
  recent: EventEnvelope[];
}

/** A chunk row for the table: display names only (names that are not UTF-8 read as \xNN). */
export interface ChunkView {
  profile: string; profileRunId: number; chunkId: string; kind: string; path: string; source: string; destination: string;
  status: ChunkStatus; attempts: number; estimatedBytes: number; estimatedFiles: number; bytesCopied: number; filesCopied: number;
  startedAt: string | null; finishedAt: string | null; durationMs: number | null; exitCode: number | null; severity: string | null;
  lastError: string | null; hasLog: boolean;
}

const EMPTY_COUNTS: Record<ChunkStatus, number> = { Pending: 0, Running: 0, Complete: 0, CompleteWithWarnings: 0, Failed: 0, Skipped: 0 };

export function sessionView(run: RunRecord): SessionView {
  return {
    sessionId: run.sessionId, state: sessionState(run), startedAt: run.startedAt, endedAt: run.endedAt, outcome: run.outcome,
    exitCode: run.exitCode, host: run.host, pid: run.pid, dryRun: run.dryRun, configPath: displayName(run.configPath),
  };
}

export function chunkView(c: SessionChunk): ChunkView {
  return {
    profile: c.profile, profileRunId: c.profileRunId, chunkId: c.chunkId, kind: c.kind, path: displayName(c.relPath) || '.',
    source: displayName(c.source), destination: displayName(c.destination), status: c.status, attempts: c.attempts,
    estimatedBytes: c.estimatedBytes, estimatedFiles: c.estimatedFiles, bytesCopied: c.bytesCopied, filesCopied: c.filesCopied,
    startedAt: c.startedAt, finishedAt: c.finishedAt, durationMs: c.durationMs, exitCode: c.exitCode, severity: c.severity,
    lastError: c.lastError, hasLog: c.logPath !== null,
  };
}

/** Host and user of a session from its SessionStart; empty when the event is gone. */
export function sessionOrigin(store: StateStore, sessionId: string): EventOrigin {
  const start = store.eventsOfTypes(sessionId, ['SessionStart'], 1)[0] as RunEvent<'SessionStart'> | undefined;
  return { host: start?.data.host ?? '', user: start?.data.user ?? '' };
}

/**
 * Every profile of the session: those it started (from the profile runs and their chunk rows)
 * and those still waiting (named by SessionStart), in run order.
 */
export function profileViews(store: StateStore, sessionId: string): ProfileView[] {
  const start = store.eventsOfTypes(sessionId, ['SessionStart'], 1)[0] as RunEvent<'SessionStart'> | undefined;
  const starts = new Map<string, RunEventPayloads['ProfileStart']>();
  for (const e of store.eventsOfTypes(sessionId, ['ProfileStart'], 1000) as RunEvent<'ProfileStart'>[]) starts.set(e.data.profile, e.data);
  const runs = store.profileRunsOfSession(sessionId);
  const names = start?.data.profiles ?? runs.map((r) => r.profile);
  for (const r of runs) if (!names.includes(r.profile)) names.push(r.profile);
  return names.map((name, index): ProfileView => {
    const r = runs.find((x) => x.profile === name);
    const s = starts.get(name);
    const base = { name, index, source: s?.source, destination: s?.destination, engine: s?.engine };
    if (!r) {
      return { ...base, state: s ? 'running' : 'waiting', chunksTotal: 0, counts: { ...EMPTY_COUNTS }, bytesTotal: 0, bytesDone: 0, bytesCopied: 0, filesCopied: 0 };
    }
    return {
      ...base, state: r.endedAt ? 'done' : 'running', profileRunId: r.id, result: r.result, chunksTotal: r.chunksTotal,
      counts: store.chunkCounts(r.id), bytesTotal: r.bytesTotal, bytesDone: store.doneBytes(r.id), bytesCopied: r.bytesCopied,
      filesCopied: r.filesCopied, startedAt: r.startedAt, endedAt: r.endedAt,
    };
  });
}

/** The newest published live status of a running session from the run_status table. */
export function storedLiveStatus(store: StateStore, run: RunRecord): LiveStatus | undefined {
  if (sessionState(run) !== 'running') return undefined;
  const row = store.readRunStatus(run.sessionId);
  if (!row) return undefined;
  try { return JSON.parse(row.json) as LiveStatus; } catch { return undefined; }
}

export function sessionSummary(store: StateStore, sessionId: string): RunEventPayloads['SessionEnd'] | undefined {
  const end = store.eventsOfTypes(sessionId, ['SessionEnd'], 1)[0] as RunEvent<'SessionEnd'> | undefined;
  return end?.data;
}

/** The history list: sessions newest first with per-profile figures. */
export function historyView(entries: HistoryEntry[]): (SessionView & { profiles: { name: string; result: string | null; chunksTotal: number; failed: number; bytesCopied: number; bytesTotal: number }[] })[] {
  return entries.map((h) => ({
    ...sessionView(h.run),
    profiles: h.profiles.map((p) => ({
      name: p.profileRun.profile, result: p.profileRun.result, chunksTotal: p.profileRun.chunksTotal, failed: p.counts.Failed,
      bytesCopied: p.profileRun.bytesCopied, bytesTotal: p.profileRun.bytesTotal,
    })),
  }));
}

export function envelopes(events: RunEvent[], origin: EventOrigin): EventEnvelope[] {
  return events.map((e) => toEnvelope(e, origin));
}
