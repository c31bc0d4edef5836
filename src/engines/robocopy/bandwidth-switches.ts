import { RobocopyArgumentError } from './errors';
import { ipgForBandwidth } from './ipg';

/** robocopy's own default and limits for /MT. */
export const DEFAULT_THREADS = 8;
export const MAX_THREADS = 128;
/** The lowest I/O rate Windows' copy engine takes (COPYFILE2_IO_RATE_MIN), bytes/s. */
export const IORATE_MIN = 512;

/** The switches for threads and bandwidth, and whether /MT had to go for /IPG. */
export interface BandwidthSwitches {
  args: string[];
  /** A budget applied and this robocopy has no /IORATE: /IPG instead, one thread. */
  mtDropped: boolean;
}

/**
 * `/MT:n` for `threads` copy threads; under a bandwidth share:
 * - with /IORATE (newer robocopy builds): `/MT:n /IORATE:r`. robocopy does not document whether
 *   the rate holds per thread or per process, so each thread is given `share ÷ n` (at least
 *   512 B/s, using fewer threads if need be): the job stays within its share either way.
 * - without it: /MT cannot be combined with /IPG, so the job runs single-threaded with `/IPG:n`.
 */
export function bandwidthSwitches(threads: number, shareBytesPerSec: number | undefined, hasIoRate: boolean, key: string): BandwidthSwitches {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new RobocopyArgumentError('ROBOCOPY_INVALID_VALUE', String(threads), key, `must be a whole number from 1 to ${MAX_THREADS}`);
  }
  const share = shareBytesPerSec && shareBytesPerSec > 0 ? Math.floor(shareBytesPerSec) : 0;
  if (share === 0) return { args: [`/MT:${threads}`], mtDropped: false };
  if (hasIoRate) {
    const n = Math.max(1, Math.min(threads, Math.floor(share / IORATE_MIN)));
    return { args: [`/MT:${n}`, `/IORATE:${Math.max(IORATE_MIN, Math.floor(share / n))}`], mtDropped: false };
  }
  return { args: [`/IPG:${ipgForBandwidth(share)}`], mtDropped: threads > 1 };
}
