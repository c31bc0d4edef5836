/**
 * Milliseconds on a monotonic clock (not wall time: an NTP step must not stall a token bucket or
 * stretch a duration). process.hrtime, not performance.now(): the `performance` global loads
 * perf_hooks on first use, ~2 ms of a start that needs nothing else of it (issue #17).
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
