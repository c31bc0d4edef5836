import { eventLevel, type EventLevel, type RunEvent } from '../../src/plugin';
import { redactPaths, type RedactMode } from './redact';

/** Who and where a session runs: from its SessionStart, else this process. */
export interface SessionOrigin {
  host: string;
  user: string;
}

/** Syslog severity numbers (RFC 5424) for each event level. */
export const SYSLOG_SEVERITY: Record<EventLevel, number> = { info: 6, warning: 4, error: 3 };

const CORE_KEYS = ['timestamp', 'sessionId', 'seq', 'host', 'user', 'eventType', 'severity'];

/** One event in SIEM terms, before it is given field names. */
export interface SiemFacts {
  timestamp: string;
  sessionId: string;
  seq: number;
  host: string;
  user: string;
  eventType: string;
  level: EventLevel;
  data: Record<string, unknown>;
}

export function siemFacts(event: RunEvent, origin: SessionOrigin, redact: RedactMode, salt: string): SiemFacts {
  return {
    timestamp: event.timestamp, sessionId: event.sessionId, seq: event.seq,
    host: origin.host, user: origin.user, eventType: event.type, level: eventLevel(event),
    data: redactPaths(event.data, redact, salt) as Record<string, unknown>,
  };
}

/**
 * Data fields flattened next to the core fields. A data key that collides with a core field and
 * holds something else (ChunkComplete's copy `severity`) is kept as `data_<key>` instead.
 */
export function flatDataFields(facts: SiemFacts, core: Record<string, unknown>): [string, unknown][] {
  return Object.entries(facts.data).map(([k, v]) => (CORE_KEYS.includes(k) && core[k] !== v ? [`data_${k}`, v] : [k, v]));
}

/** `{timestamp, sessionId, seq, host, user, eventType, severity, ...data}`. */
export function nativeRecord(facts: SiemFacts): Record<string, unknown> {
  const core: Record<string, unknown> = {
    timestamp: facts.timestamp, sessionId: facts.sessionId, seq: facts.seq, host: facts.host,
    user: facts.user, eventType: facts.eventType, severity: facts.level,
  };
  return { ...core, ...Object.fromEntries(flatDataFields(facts, core).filter(([k]) => !(k in core))) };
}

/** Elastic Common Schema names; event data under `robocurse.*`. */
export function ecsRecord(facts: SiemFacts): Record<string, unknown> {
  return {
    '@timestamp': facts.timestamp,
    event: {
      action: facts.eventType, severity: SYSLOG_SEVERITY[facts.level], kind: 'event', module: 'robocurse',
      dataset: 'robocurse.run', sequence: facts.seq,
    },
    log: { level: facts.level },
    host: { name: facts.host },
    user: { name: facts.user },
    labels: { session_id: facts.sessionId },
    robocurse: facts.data,
  };
}
