import type { RunEvent } from '../api';
import type { StateStore } from '../state';

export type FeedListener = (event: RunEvent) => void;

/**
 * The numbered events of one session, live and for replay. Two implementations: the event bus
 * of the run in this process, and the events table of the state database for any other run.
 */
export interface RunFeed {
  /** The highest seq this feed has delivered or can deliver. */
  lastSeq(): number;
  /** Events with seq > `afterSeq`, oldest first, or undefined when they are no longer held. */
  since(afterSeq: number, max: number): RunEvent[] | undefined;
  /** The newest `n` events, oldest first (for a snapshot's event feed). */
  recent(n: number): RunEvent[];
  /**
   * Live events from now on. `fromSeq`: what the first listener already has (a table feed starts
   * tailing there, so nothing committed meanwhile by another process is missed).
   */
  subscribe(listener: FeedListener, fromSeq?: number): () => void;
}

/**
 * The in-process run's events straight from its bus, with the newest `capacity` kept for replay.
 * Listeners are called synchronously from the bus and must not block: the stream clients only
 * queue, so a slow tab never slows the run.
 */
export class BusFeed implements RunFeed {
  private readonly ring: RunEvent[] = [];
  private readonly listeners = new Set<FeedListener>();
  private last = 0;

  constructor(subscribeToBus: (l: FeedListener) => () => void, private readonly capacity = 2000) {
    subscribeToBus((e) => this.push(e));
  }

  private push(e: RunEvent): void {
    this.ring.push(e);
    if (this.ring.length > this.capacity) this.ring.shift();
    this.last = e.seq;
    for (const l of [...this.listeners]) l(e);
  }

  lastSeq(): number { return this.last; }

  since(afterSeq: number, max: number): RunEvent[] | undefined {
    if (afterSeq >= this.last) return [];
    const oldest = this.ring[0]?.seq ?? this.last + 1;
    if (afterSeq + 1 < oldest) return undefined;
    return this.ring.slice(afterSeq + 1 - oldest, afterSeq + 1 - oldest + max);
  }

  recent(n: number): RunEvent[] { return this.ring.slice(-n); }

  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }
}

/**
 * A session's events tailed from the state database by seq, polled only while someone listens.
 * The table is the replay buffer: it holds every event of the newest sessions (see pruneEvents).
 */
export class TableFeed implements RunFeed {
  private readonly listeners = new Set<FeedListener>();
  private cursor: number;
  private timer?: NodeJS.Timeout;

  constructor(private readonly store: StateStore, private readonly sessionId: string, private readonly pollMs = 250) {
    this.cursor = store.lastEventSeq(sessionId);
  }

  lastSeq(): number { return Math.max(this.cursor, this.store.lastEventSeq(this.sessionId)); }

  since(afterSeq: number, max: number): RunEvent[] | undefined {
    return this.store.readEventsSince(this.sessionId, afterSeq, max);
  }

  recent(n: number): RunEvent[] { return this.store.latestEvents(this.sessionId, n); }

  subscribe(listener: FeedListener, fromSeq?: number): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.cursor = fromSeq ?? this.store.lastEventSeq(this.sessionId);
      this.timer = setInterval(() => this.poll(), this.pollMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) { clearInterval(this.timer); this.timer = undefined; }
    };
  }

  /** Delivers what was committed since the last poll, a bounded batch per turn. */
  poll(): void {
    let batch: RunEvent[];
    try { batch = this.store.readEventsSince(this.sessionId, this.cursor, 1000); } catch { return; } // busy or closed: next turn
    for (const e of batch) {
      this.cursor = e.seq;
      for (const l of [...this.listeners]) l(e);
    }
  }
}
