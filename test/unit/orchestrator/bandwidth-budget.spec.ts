import { expect } from 'chai';
import type { Copier } from '../../../src/api';
import type { ProfileConfig } from '../../../src/config/types';
import { BandwidthBudget } from '../../../src/orchestrator/bandwidth-budget';

const profile = (engine: string, bandwidthLimitMbps = 0): ProfileConfig => ({ name: 'p', engine, bandwidthLimitMbps } as unknown as ProfileConfig);
const caps = { suspend: false, liveBandwidth: true, mirror: true, dryRun: true, liveProgress: true };

/** A copier that takes one shared budget, recording what it was given. */
function sharingCopier(given: number[]): Copier {
  return { name: 'sharing', capabilities: caps, start: () => { throw new Error('not started in these tests'); }, setTotalBandwidth: (b) => { given.push(b); } };
}
const perJobCopier: Copier = { name: 'per-job', capabilities: caps, start: () => { throw new Error('not started in these tests'); } };

describe('BandwidthBudget', () => {
  const engines = (given: number[]) => (name: string): Copier => {
    if (name === 'sharing') return sharingCopier(given);
    if (name === 'per-job') return perJobCopier;
    throw new Error(`unknown engine '${name}'`);
  };

  it('the profile cap wins over the global one; 0 everywhere is unlimited (bytes/s from Mbit/s)', () => {
    const b = new BandwidthBudget(80, engines([]));
    expect(b.budgetFor(profile('per-job'))).to.equal(10_000_000);
    expect(b.budgetFor(profile('per-job', 8))).to.equal(1_000_000);
    expect(new BandwidthBudget(0, engines([])).budgetFor(profile('per-job'))).to.equal(0);
  });

  it('set() replaces the profile and global caps for the rest of the session; a bad value is refused', () => {
    const b = new BandwidthBudget(80, engines([]));
    b.set(16);
    expect(b.budgetFor(profile('per-job', 8))).to.equal(2_000_000);
    b.set(0);
    expect(b.budgetFor(profile('per-job', 8))).to.equal(0);
    expect(() => b.set(-1)).to.throw(RangeError, /bandwidth must be a number of Mbit\/s >= 0, got -1/);
    expect(() => b.set(Number.NaN)).to.throw(RangeError);
  });
  // How shares are given to jobs (fixed at start or re-divided live): bandwidth-invariant.spec.ts.
});
