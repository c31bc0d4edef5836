/**
 * BullMQ lock and stall settings; the same on every worker, since the worker that runs the stall
 * check applies its own values to everybody's jobs.
 *
 * - lockDuration 120 s: a worker keeps its lock through at least lockDuration/2 of event-loop
 *   freeze or Redis outage (it renews every lockDuration/2), and a dead worker's chunk is re-run
 *   elsewhere within lockDuration + stalledInterval (≤ 150 s, small against hour-long chunks).
 * - stalledInterval 30 s: BullMQ's default; shorter only in tests.
 * - maxStalledCount 2: a chunk survives two worker deaths before BullMQ fails it (then the
 *   coordinator's retry policy decides, like for any failed attempt).
 */
export interface LockSettings {
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
}

export const DEFAULT_LOCK_SETTINGS: LockSettings = { lockDurationMs: 120_000, stalledIntervalMs: 30_000, maxStalledCount: 2 };

/** A copier whose lock was not renewed for this long is killed by its worker (the lock may already be someone else's). */
export function selfFenceAfterMs(s: LockSettings): number {
  return Math.floor(s.lockDurationMs * 0.8);
}
