import type { LiveStatus } from '../dashboard/live-status';

/** An ETA as `status` shows it, and what it is based on. */
export interface StatusEta {
  /** Seconds left in the current profile; undefined while unknown. */
  profileSeconds?: number;
  /** Seconds left for the whole run; undefined while unknown (a later profile of unknown size). */
  overallSeconds?: number;
  basis: 'recent rate' | 'history';
}

/**
 * The one place `status` (text, --json, --watch) takes its ETA from. Today that is the running
 * session's own estimate from its recent throughput (src/orchestrator/throughput.ts), as it
 * publishes it. An ETA learnt from earlier runs (issue #18, src/eta) belongs here: return it with
 * basis 'history' when the session's own estimate is not known yet or is less reliable.
 */
export function statusEta(live: Pick<LiveStatus, 'etaSeconds' | 'overallEtaSeconds'>): StatusEta {
  return { profileSeconds: live.etaSeconds, overallSeconds: live.overallEtaSeconds, basis: 'recent rate' };
}
