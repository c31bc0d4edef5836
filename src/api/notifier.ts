import type { RunEvent, RunEventType } from './events';

/** Optional handler per event type: `onSessionStart(event)`, `onChunkComplete(event)`, ... */
export type NotifierHandlers = {
  [K in RunEventType as `on${K}`]?: (event: RunEvent<K>) => void | Promise<void>;
};

/**
 * Receives run events. Handlers are called by the NotifierHub, concurrently across notifiers but
 * in event order for one notifier; each call is time-limited, and a handler that throws or hangs
 * is logged and isolated: it never stops the run. A notifier must not mutate events.
 * `flush()` is awaited before the process exits (also after Ctrl-C): deliver or persist what is
 * buffered, then resolve. It must be idempotent.
 */
export type Notifier = NotifierHandlers & {
  readonly name: string;
  /** Called for every event, after the typed handler (if any). */
  onEvent?(event: RunEvent): void | Promise<void>;
  flush(): Promise<void>;
};

/** The handler method name for an event type. */
export function handlerName<K extends RunEventType>(type: K): `on${K}` {
  return `on${type}`;
}
