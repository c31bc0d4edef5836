import type { RunEvent, RunEventPayloads, RunEventType } from '../api';
import { displayNames } from '../fs/display-names';

/** ISO 8601 with the local offset (2026-11-28T14:25:01.123+01:00), as SIEMs want it. */
export function isoWithOffset(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}${sign}${p(Math.floor(abs / 60))}:${p(abs % 60)}`;
}

export type EventListener = (event: RunEvent) => void;

/**
 * The one stream of run events of a session. Listeners are called synchronously in
 * subscription order; a listener that throws is reported to `onListenerError` and the others
 * still run, so a faulty consumer never breaks the run or the event order.
 */
export class EventBus {
  private seq = 0;
  private readonly listeners: EventListener[] = [];

  constructor(
    readonly sessionId: string,
    private readonly now: () => Date = () => new Date(),
    private readonly onListenerError: (err: unknown, event: RunEvent) => void = () => undefined,
  ) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.push(listener);
    return () => { const i = this.listeners.indexOf(listener); if (i >= 0) this.listeners.splice(i, 1); };
  }

  emit<K extends RunEventType>(type: K, data: RunEventPayloads[K]): RunEvent<K> {
    // Names that are not UTF-8 are shown as \xNN: events leave the process as JSON (SIEM, state, --json).
    const event = { type, sessionId: this.sessionId, seq: ++this.seq, timestamp: isoWithOffset(this.now()), data: displayNames(data) } as RunEvent<K>;
    for (const l of [...this.listeners]) {
      try { l(event as RunEvent); } catch (err) { this.onListenerError(err, event as RunEvent); }
    }
    return event;
  }
}
