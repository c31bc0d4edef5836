import { monotonicMs } from '../process/monotonic-ms';

export interface TokenBucketOptions {
  /** Bytes per second; 0 (or negative) = unlimited. */
  bytesPerSec: number;
  /**
   * Largest burst in bytes. Default: a quarter second of the rate, at least 64 KiB, so one
   * stream chunk always fits and a slow limit does not stutter.
   */
  burstBytes?: number;
  /** Clock in milliseconds (injectable for tests); default monotonicMs. */
  now?: () => number;
}

interface Waiter {
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

const MIN_BURST = 64 * 1024;

/** An AbortError like the ones Node's own APIs reject with. */
function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}

/**
 * A token bucket meant to be shared: every job of an engine takes from one bucket, so the
 * profile's bandwidth cap is one budget however many jobs run. Waiters are served first come,
 * first served (a big request cannot be starved by small ones), and at most one timer is armed
 * at any time: waiting never polls or spins.
 *
 * A request larger than the burst is granted once the bucket is full and drives it into debt,
 * which later requests pay off; the long-run rate is exact either way.
 */
export class TokenBucket {
  private rateBps: number;
  private readonly fixedBurst: number | undefined;
  private readonly now: () => number;
  private tokens: number;
  private last: number;
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: TokenBucketOptions) {
    this.rateBps = Math.max(0, opts.bytesPerSec || 0);
    this.fixedBurst = opts.burstBytes;
    this.now = opts.now ?? monotonicMs;
    this.last = this.now();
    this.tokens = this.burst;
  }

  /** Current rate in bytes per second; 0 = unlimited. */
  get bytesPerSec(): number {
    return this.rateBps;
  }

  /** True when no limit applies (take() resolves at once). */
  get unlimited(): boolean {
    return this.rateBps === 0;
  }

  private get burst(): number {
    return this.fixedBurst ?? Math.max(MIN_BURST, this.rateBps / 4);
  }

  /** Changes the rate for everyone waiting and to come; 0 = unlimited (releases all waiters). */
  setRate(bytesPerSec: number): void {
    // Credit the time elapsed at the old rate before switching, so a change is not retroactive.
    this.refill();
    this.rateBps = Math.max(0, bytesPerSec || 0);
    this.tokens = Math.min(this.tokens, this.burst);
    this.pump();
  }

  /**
   * Waits until `bytes` may be sent. Resolves at once when unlimited or when tokens are
   * available and nobody is queued. Rejects with an AbortError when `signal` aborts first.
   */
  take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (bytes <= 0 || this.rateBps === 0) return Promise.resolve();
    if (this.queue.length === 0) {
      this.refill();
      if (this.tokens >= Math.min(bytes, this.burst)) {
        this.tokens -= bytes;
        return Promise.resolve();
      }
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { bytes, resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          const i = this.queue.indexOf(w);
          if (i >= 0) this.queue.splice(i, 1);
          reject(abortError(signal));
          this.pump();
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.queue.push(w);
      this.pump();
    });
  }

  /** Number of queued requests (for tests and diagnostics). */
  get waiting(): number {
    return this.queue.length;
  }

  private refill(): void {
    const t = this.now();
    if (this.rateBps > 0) this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rateBps);
    this.last = t;
  }

  /** Grants what can be granted now and arms one timer for the head of the queue. */
  private pump(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    this.refill();
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (this.rateBps > 0 && this.tokens < Math.min(head.bytes, this.burst)) break;
      this.queue.shift();
      if (this.rateBps > 0) this.tokens -= head.bytes;
      if (head.signal && head.onAbort) head.signal.removeEventListener('abort', head.onAbort);
      head.resolve();
    }
    if (this.queue.length === 0) return;
    const need = Math.min(this.queue[0].bytes, this.burst) - this.tokens;
    // +1 ms: timers may fire a fraction early relative to the clock; never arm a 0 ms loop.
    const ms = Math.max(1, Math.ceil((need / this.rateBps) * 1000));
    this.timer = setTimeout(() => { this.timer = undefined; this.pump(); }, ms);
  }
}
