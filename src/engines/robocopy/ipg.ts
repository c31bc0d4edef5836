/** Robocopy sends data in blocks of 64 KiB and sleeps /IPG milliseconds after each one. */
export const IPG_BLOCK_BYTES = 64 * 1024;

/**
 * Inter-packet gap (ms) that keeps one robocopy job at or under `bytesPerSec`:
 * `ceil(65536 × 1000 / bytesPerSec)`. The time spent actually transferring a block is ignored,
 * so the real rate is somewhat below the target (never above) — the safe side for a budget.
 * Returns 0 (no /IPG) for unlimited. Above 65 536 000 B/s the gap would be under the 1 ms
 * granularity of /IPG: it stays 1 ms, capping the job at ~65 MB/s — below its share, never above
 * (no /IPG at all would let it exceed the budget). Granularity is coarse at high rates
 * (1 ms ≈ 65 MB/s, 2 ms ≈ 32 MB/s, 3 ms ≈ 21 MB/s), fine at low ones; /IORATE, where robocopy
 * has it, is used instead (bandwidth-switches.ts). See docs/robocopy.md for the other limits.
 */
export function ipgForBandwidth(bytesPerSec: number | undefined): number {
  if (bytesPerSec === undefined || !Number.isFinite(bytesPerSec) || bytesPerSec <= 0) return 0;
  return Math.max(1, Math.ceil((IPG_BLOCK_BYTES * 1000) / bytesPerSec));
}
