import type { ServerResponse } from 'node:http';

/** Limits of one stream; small numbers in tests make overflow and heartbeats quick to see. */
export interface StreamLimits {
  /** Events queued for a client whose socket is full before they are dropped for a new snapshot. */
  maxQueuedEvents: number;
  heartbeatMs: number;
  progressMs: number;
  /** How far behind a Last-Event-ID may be and still be replayed event by event. */
  maxReplay: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxQueuedEvents: 1000, heartbeatMs: 15_000, progressMs: 1000, maxReplay: 5000 };

/** One SSE frame; JSON never holds a raw newline, so `data` is always one line. */
export function frame(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export interface StreamClientStats { id: number; queued: number; dropped: number; resnapshots: number; blocked: boolean; lastSeq: number }

/**
 * One tab's stream. Writes never wait: while the socket is full, events queue up to a bound and
 * progress ticks are replaced by the newest; past the bound the queue is dropped and the client
 * gets a fresh snapshot once its socket drains. Nothing here can hold up the caller, which is
 * the orchestrator's own event bus in `run --dashboard`.
 */
export class SseClient {
  private queue: { seq: number; text: string }[] = [];
  private pendingProgress?: string;
  private blocked = false;
  private needSnapshot = false;
  private closed = false;
  private dropped = 0;
  private resnapshots = 0;
  /** Highest seq written (or covered by a snapshot written). */
  lastSeq = 0;

  constructor(
    readonly id: number,
    private readonly res: ServerResponse,
    private readonly limits: StreamLimits,
    private readonly snapshotFrame: () => { seq: number; text: string } | undefined,
  ) {
    res.on('drain', () => this.flush());
    res.on('close', () => { this.closed = true; this.queue = []; });
  }

  get isClosed(): boolean { return this.closed; }

  stats(): StreamClientStats {
    return { id: this.id, queued: this.queue.length, dropped: this.dropped, resnapshots: this.resnapshots, blocked: this.blocked, lastSeq: this.lastSeq };
  }

  /** Writes the snapshot now (connect, or a replay that is too far behind). */
  sendSnapshot(): void {
    const snap = this.snapshotFrame();
    if (!snap) return;
    this.lastSeq = Math.max(this.lastSeq, snap.seq);
    this.write(snap.text);
  }

  event(seq: number, text: string): void {
    if (this.closed || seq <= this.lastSeq) return;
    if (this.needSnapshot) return; // the snapshot written at drain covers it
    if (this.blocked) {
      this.queue.push({ seq, text });
      if (this.queue.length > this.limits.maxQueuedEvents) {
        this.dropped += this.queue.length;
        this.queue = [];
        this.needSnapshot = true;
      }
      return;
    }
    this.lastSeq = seq;
    this.write(text);
  }

  progress(text: string): void {
    if (this.closed) return;
    if (this.blocked) { this.pendingProgress = text; return; }
    this.write(text);
  }

  heartbeat(): void {
    if (!this.closed && !this.blocked) this.write(`: heartbeat ${Date.now()}\n\n`);
  }

  close(): void {
    this.closed = true;
    this.queue = [];
    this.res.destroy();
  }

  private write(text: string): void {
    if (this.closed) return;
    if (!this.res.write(text)) this.blocked = true;
  }

  private flush(): void {
    this.blocked = false;
    if (this.closed) return;
    if (this.needSnapshot) {
      this.needSnapshot = false;
      this.resnapshots++;
      this.queue = [];
      this.sendSnapshot();
    }
    while (!this.blocked && this.queue.length > 0) {
      const next = this.queue.shift()!;
      if (next.seq <= this.lastSeq) continue;
      this.lastSeq = next.seq;
      this.write(next.text);
    }
    if (!this.blocked && this.pendingProgress) {
      const p = this.pendingProgress;
      this.pendingProgress = undefined;
      this.write(p);
    }
  }
}
