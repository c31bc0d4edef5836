import type { Chunk } from '../api';

/** A chunk waiting to run, with its attempt history. */
export interface QueuedChunk {
  chunk: Chunk;
  /** Failed attempts so far (the spec's RetryCount). */
  retryCount: number;
  /** Epoch ms before which a retry must not start (backoff). */
  notBefore: number;
  lastExitCode?: number;
  lastMessage?: string;
  /** The next attempt copies only these files of the chunk: the ones the last attempt failed (file-retry.ts). */
  onlyFiles?: string[];
}

/**
 * FIFO of chunks ready to run plus a list of retries waiting out their backoff. Retries join
 * the back of the ready queue once their time has come, so a flapping chunk cannot starve others.
 */
export class ChunkQueue {
  private ready: QueuedChunk[] = [];
  private head = 0;
  private waiting: QueuedChunk[] = [];

  enqueue(item: QueuedChunk, now: number): void {
    if (item.notBefore > now) {
      this.waiting.push(item);
      this.waiting.sort((a, b) => a.notBefore - b.notBefore);
    } else {
      this.ready.push(item);
    }
  }

  /** Moves retries whose backoff has elapsed into the ready queue. */
  release(now: number): void {
    while (this.waiting.length > 0 && this.waiting[0].notBefore <= now) this.ready.push(this.waiting.shift()!);
  }

  dequeue(now: number): QueuedChunk | undefined {
    this.release(now);
    if (this.head >= this.ready.length) return undefined;
    const item = this.ready[this.head++];
    // Compact now and then: an index head keeps dequeue O(1) for 10,000s of chunks.
    if (this.head > 1024 && this.head * 2 > this.ready.length) { this.ready = this.ready.slice(this.head); this.head = 0; }
    return item;
  }

  /** Puts `item` at the front of the ready queue: a retry a person asked for runs next. */
  enqueueFront(item: QueuedChunk): void {
    if (this.head > 0) this.ready[--this.head] = item;
    else this.ready.unshift(item);
  }

  /** Takes a chunk out of the queue, ready or waiting; undefined when it is not queued. */
  remove(chunkId: string): QueuedChunk | undefined {
    const r = this.ready.findIndex((q, i) => i >= this.head && q.chunk.id === chunkId);
    if (r >= 0) return this.ready.splice(r, 1)[0];
    const w = this.waiting.findIndex((q) => q.chunk.id === chunkId);
    return w >= 0 ? this.waiting.splice(w, 1)[0] : undefined;
  }

  /** Chunks ready or waiting. */
  get size(): number { return this.ready.length - this.head + this.waiting.length; }
  get readyCount(): number { return this.ready.length - this.head; }
  get waitingCount(): number { return this.waiting.length; }

  /** Epoch ms of the earliest waiting retry, if any. */
  nextReleaseAt(): number | undefined { return this.waiting[0]?.notBefore; }

  items(): QueuedChunk[] { return [...this.ready.slice(this.head), ...this.waiting]; }

  has(chunkId: string): boolean { return this.items().some((q) => q.chunk.id === chunkId); }

  clear(): QueuedChunk[] { const all = this.items(); this.ready = []; this.head = 0; this.waiting = []; return all; }
}
