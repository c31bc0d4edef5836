import { eventLevel, type EventLevel, type RunEvent, type RunEventPayloads } from '../api';

/**
 * One event as the browser receives it: the core fields of the SIEM plugin's native record
 * (timestamp, sessionId, seq, host, user, eventType, severity) with the payload kept under
 * `data` instead of flattened, so one event model serves SIEM, the state database and the page.
 */
export interface EventEnvelope {
  timestamp: string;
  sessionId: string;
  seq: number;
  host: string;
  user: string;
  eventType: RunEvent['type'];
  severity: EventLevel;
  data: RunEventPayloads[RunEvent['type']];
}

/** Who and where a session runs, from its SessionStart (as the SIEM plugin takes it). */
export interface EventOrigin { host: string; user: string }

export function toEnvelope(e: RunEvent, origin: EventOrigin): EventEnvelope {
  return {
    timestamp: e.timestamp, sessionId: e.sessionId, seq: e.seq, host: origin.host, user: origin.user,
    eventType: e.type, severity: eventLevel(e), data: e.data,
  };
}
