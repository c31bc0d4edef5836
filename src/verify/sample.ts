import { xxh3 } from '@node-rs/xxhash';

/**
 * Whether `rel` is in this run's sample of `percent` % of the files. Decided by a hash of the
 * seed (the session) and the path: stable within a run (a retry checks the same files), a
 * different sample each run, so nightly runs cover the whole tree over time.
 */
export function inSample(rel: string, percent: number, seed: string): boolean {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  const h = xxh3.xxh64(`${seed}\u0000${rel}`);
  return Number(h % 10_000n) < Math.round(percent * 100);
}
