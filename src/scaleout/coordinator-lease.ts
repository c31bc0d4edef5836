import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from '../api';
import { ProfileLockedError } from '../state';

/** Who holds the pool, stored as the lease's value. */
interface LeaseValue { token: string; sessionId: string; pid: number; host: string; acquiredAt: string }

// Renew only while we still hold it; release only our own lease (a token compare, atomically).
const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) else return nil end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * The coordinator's lease on a worker pool: SET NX PX with a random token, renewed every third
 * of its time. One run per pool at a time: this is the profile lock across hosts (the SQLite lock
 * only covers the coordinator's host). A coordinator that was killed leaves its lease to expire;
 * the next one waits for that, up to one lease period, before it gives up.
 */
export class CoordinatorLease {
  private timer?: NodeJS.Timeout;
  private value?: string;
  private lostHandler?: (why: string) => void;

  constructor(private readonly redis: Redis, private readonly key: string, private readonly ttlMs: number, private readonly logger: Logger) {}

  async acquire(sessionId: string, waitMs = this.ttlMs + 1000): Promise<void> {
    const v: LeaseValue = { token: randomBytes(16).toString('hex'), sessionId, pid: process.pid, host: os.hostname(), acquiredAt: new Date().toISOString() };
    const value = JSON.stringify(v);
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (await this.redis.set(this.key, value, 'PX', this.ttlMs, 'NX')) break;
      if (Date.now() >= deadline) {
        const held = await this.redis.get(this.key);
        const h = held ? (JSON.parse(held) as LeaseValue) : undefined;
        throw new ProfileLockedError(
          { profile: `queue ${this.key}`, sessionId: h?.sessionId ?? null, pid: h?.pid ?? 0, host: h?.host ?? '?', acquiredAt: h?.acquiredAt ?? '?' },
          'Another coordinator runs on this worker pool; wait until it has finished, or give this run its own --queue database.');
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    this.value = value;
    this.timer = setInterval(() => void this.renew(), Math.max(200, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  /** Called (once) when a renewal finds the lease taken by someone else. */
  onLost(handler: (why: string) => void): void { this.lostHandler = handler; }

  private async renew(): Promise<void> {
    if (!this.value) return;
    try {
      const ok = await this.redis.eval(RENEW, 1, this.key, this.value, this.value, String(this.ttlMs));
      if (ok === null) {
        const why = `the coordinator lease ${this.key} was taken over by another process`;
        this.logger.error(why);
        this.stopTimer();
        this.lostHandler?.(why);
      }
    } catch (err) {
      // Redis away: BullMQ's own connection waits; the lease expires only after ttl, and the
      // next renewal (after reconnect) says whether it is still ours.
      this.logger.warn({ err }, `cannot renew the coordinator lease: ${(err as Error).message}`);
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async release(): Promise<void> {
    this.stopTimer();
    const v = this.value;
    this.value = undefined;
    if (v) await this.redis.eval(RELEASE, 1, this.key, v).catch(() => undefined);
  }
}
