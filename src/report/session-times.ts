import type { SessionState } from '../state/status-query';
import type { RunRecord } from '../state/types';

/**
 * How long a session ran, from what was recorded: ended → its end; running → now; interrupted
 * → its last record (a session killed after 0.4 s lasted 0.4 s, however late it is looked at).
 * Undefined when an interrupted session left no record at all.
 */
export function sessionDurationMs(e: { run: RunRecord; state: SessionState; lastRecordAt?: string }, now: Date): number | undefined {
  const start = Date.parse(e.run.startedAt);
  if (e.run.endedAt) return Date.parse(e.run.endedAt) - start;
  if (e.state === 'running') return now.getTime() - start;
  return e.lastRecordAt ? Math.max(0, Date.parse(e.lastRecordAt) - start) : undefined;
}

/** "2026-11-29 15:07:35Z": an ISO time people can read, still unambiguous. */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+(?=Z|[+-]\d\d:\d\d$)/, '');
}
