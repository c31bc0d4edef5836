import { randomBytes } from 'node:crypto';

/**
 * Names of engine scratch directories inside a destination (e.g. rsync's --temp-dir): a fixed
 * prefix and 16 random hex digits, so the next run's clean-up (reapLeftovers, which removes
 * only recorded directories with such a name) can never mistake a user's directory for one.
 */
export const SCRATCH_NAME = /^\.robocurse-tmp-[0-9a-f]{16}$/;

export function newScratchName(): string {
  return `.robocurse-tmp-${randomBytes(8).toString('hex')}`;
}
