import type { Logger } from '../api';
import type { RetentionPolicy } from '../config/types';
import type { StateStore } from '../state';
import { ownerLiveness } from '../state/process-identity';
import { pruneLogs, type LogRetentionReport } from './log-retention';

export interface RetentionReport extends LogRetentionReport {
  /** Events deleted from the state database; undefined in a dry run. */
  eventsDeleted?: number;
  /** Whether the database was VACUUMed. */
  vacuumed: boolean;
}

/**
 * Sessions whose files and events must not be touched: `current` (the run applying retention)
 * and every session recorded as started and not ended whose process may still be running (alive,
 * or on another host, where its pid tells nothing). A session that died without ending is not
 * running: its files age out like any other.
 */
export function runningSessions(store: StateStore, current?: string): Set<string> {
  const out = new Set<string>(current ? [current] : []);
  for (const s of store.unendedSessions()) {
    if (ownerLiveness({ pid: s.pid, host: s.host, identity: s.identity }) !== 'dead') out.add(s.sessionId);
  }
  return out;
}

/**
 * `global.retention`, at the start of each run and by `robocurse prune`: old logs gzipped, then
 * deleted; old events deleted from the state database and the file VACUUMed when that frees a
 * quarter of it. Never the files or events of a running session. Problems with single files are
 * reported, not thrown.
 */
export async function applyRetention(o: {
  logDir: string; store: StateStore; policy: RetentionPolicy; currentSession?: string; now?: number; dryRun?: boolean; logger: Logger;
}): Promise<RetentionReport> {
  const now = o.now ?? Date.now();
  const running = runningSessions(o.store, o.currentSession);
  const logs = await pruneLogs(o.logDir, o.policy, running, { now, dryRun: o.dryRun ?? false });
  let eventsDeleted: number | undefined;
  let vacuumed = false;
  if (!o.dryRun && o.policy.eventsDays > 0) {
    eventsDeleted = o.store.pruneEventsBefore(new Date(now - o.policy.eventsDays * 86_400_000).toISOString(), [...running]);
    try { vacuumed = o.store.vacuumIfWorthwhile(); } catch (e) {
      // Another process holds the database (a run in progress): the next prune will do it.
      o.logger.info({ err: e }, 'state database not compacted now (in use)');
    }
  }
  for (const e of logs.errors) o.logger.warn({}, `retention: ${e}`);
  o.logger.info({ compressed: logs.compressed.length, deletedSessions: logs.deletedSessions.length, eventsDeleted, vacuumed },
    `retention: ${logs.compressed.length} log file(s) compressed, logs of ${logs.deletedSessions.length} session(s) deleted, ${eventsDeleted ?? 0} event(s) deleted${vacuumed ? ', state database compacted' : ''}`);
  return { ...logs, eventsDeleted, vacuumed };
}
