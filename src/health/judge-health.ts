import type { LockHolder, RunRecord } from '../state';
import type { HealthRecord } from './health-record';

/** What `status --check` tells a monitor. */
export type HealthState = 'healthy' | 'failed' | 'stale' | 'locked';

export interface HealthVerdict {
  state: HealthState;
  /** One line for the monitor. */
  reason: string;
  sessionId?: string;
}

export interface HealthInputs {
  /** The profile asked about; undefined = the newest session of any profile. */
  profile?: string;
  run?: RunRecord;
  runState?: 'running' | 'ended' | 'interrupted';
  /** The health file of `run`, when there is one. */
  health?: HealthRecord;
  /** Held profile locks (of the profile asked about, or all) with the liveness of their holder. */
  locks: (LockHolder & { liveness: 'alive' | 'dead' | 'unknown' })[];
  now: number;
  /** A running session whose health file is older than this is stale (default: 3 intervals + 30 s). */
  staleAfterMs?: number;
  /** The last successful run must have ended within this; undefined = no limit. */
  maxAgeMs?: number;
  /** `--idle`: only whether a run could start now (for systemd ExecCondition). */
  idle: boolean;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} days`;
}

const what = (i: HealthInputs): string => (i.profile ? `profile ${i.profile}` : 'robocurse');

/**
 * The health of a profile (or of the newest session), for monitors: pure, from what the state
 * database and the session's health file say.
 * - healthy: a run in progress reporting within its interval, or the last run ended Success or
 *   Warning (within maxAge, when one is given);
 * - failed: the last run ended Failed, Error or Stopped, or its process died (interrupted);
 * - stale: a run in progress that has not reported for too long (hung), a last success older
 *   than maxAge, or no run recorded at all;
 * - locked: the profile's lock is held by a live process that is not a run in progress (or, with
 *   `idle`, by any live process): the next run would be refused.
 */
export function judgeHealth(i: HealthInputs): HealthVerdict {
  const live = i.locks.filter((l) => l.liveness !== 'dead');
  const lockLine = (l: LockHolder): string => `${what(i)} is locked by pid ${l.pid} on ${l.host} since ${l.acquiredAt}${l.sessionId ? ` (session ${l.sessionId})` : ''}`;
  const byOther = live.find((l) => !(i.runState === 'running' && l.sessionId === i.run?.sessionId));
  if (i.idle) {
    return live.length > 0 ? { state: 'locked', reason: `${lockLine(live[0])}: a run would be refused now` } : { state: 'healthy', reason: `${what(i)} is idle: a run can start` };
  }
  if (byOther) return { state: 'locked', reason: `${lockLine(byOther)}, with no run in progress (another robocurse command, or a process on another host)` };
  const r = i.run;
  if (!r) return { state: 'stale', reason: `no run of ${what(i)} is recorded` };
  const sid = { sessionId: r.sessionId };
  if (i.runState === 'interrupted') return { state: 'failed', reason: `session ${r.sessionId} (pid ${r.pid} on ${r.host}, started ${r.startedAt}) was interrupted: its process is gone`, ...sid };
  if (i.runState === 'running') {
    const h = i.health;
    const limit = i.staleAfterMs ?? (h ? h.intervalSeconds * 3000 + 30_000 : 60_000);
    const last = h ? Date.parse(h.updatedAt) : Date.parse(r.startedAt);
    if (i.now - last > limit) {
      return { state: 'stale', reason: `session ${r.sessionId} (pid ${r.pid} on ${r.host}) has not reported progress for ${ago(i.now - last)}${h ? '' : ' (no health file)'}`, ...sid };
    }
    const p = h?.progress;
    return { state: 'healthy', reason: `session ${r.sessionId} running: ${h?.phase ?? 'starting'}${h?.profile ? ` ${h.profile}` : ''}${p ? ` ${p.profilePercent.toFixed(1)}%, ${p.chunksComplete}/${p.chunksTotal} chunks, ${p.chunksFailed} failed` : ''}`, ...sid };
  }
  const ended = r.endedAt ? Date.parse(r.endedAt) : i.now;
  if (r.outcome !== 'Success' && r.outcome !== 'Warning') {
    return { state: 'failed', reason: `last run ${r.sessionId} ended ${r.outcome ?? '?'} (exit ${r.exitCode ?? '?'}) ${ago(i.now - ended)} ago`, ...sid };
  }
  if (i.maxAgeMs !== undefined && i.now - ended > i.maxAgeMs) {
    return { state: 'stale', reason: `last successful run ${r.sessionId} ended ${ago(i.now - ended)} ago, longer than --max-age ${ago(i.maxAgeMs)}`, ...sid };
  }
  return { state: 'healthy', reason: `last run ${r.sessionId} ended ${r.outcome} ${ago(i.now - ended)} ago`, ...sid };
}
