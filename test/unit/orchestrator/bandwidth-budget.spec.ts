import { expect } from 'chai';
import type { Copier, CopyJob } from '../../../src/api';
import type { ProfileConfig } from '../../../src/config/types';
import { BandwidthBudget } from '../../../src/orchestrator/bandwidth-budget';

const profile = (engine: string, bandwidthLimitMbps = 0): ProfileConfig => ({ name: 'p', engine, bandwidthLimitMbps } as unknown as ProfileConfig);
const caps = { suspend: false, liveBandwidth: true, mirror: true, dryRun: true, liveProgress: true };

/** A copier that takes one shared budget, recording what it was given. */
function sharingCopier(given: number[]): Copier {
  return { name: 'sharing', capabilities: caps, start: () => { throw new Error('not started in these tests'); }, setTotalBandwidth: (b) => { given.push(b); } };
}
const perJobCopier: Copier = { name: 'per-job', capabilities: caps, start: () => { throw new Error('not started in these tests'); } };

function job(limits: number[]): CopyJob {
  return { setBandwidth: (b: number) => { limits.push(b); } } as unknown as CopyJob;
}

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

  it('per-job engines get equal shares, re-divided when the number of jobs changes; never 0 while capped', () => {
    const b = new BandwidthBudget(8, engines([]));
    expect(b.jobShare(profile('per-job'), 1)).to.equal(1_000_000);
    expect(b.jobShare(profile('per-job'), 3)).to.equal(333_333);
    expect(b.jobShare(profile('per-job'), 0)).to.equal(1_000_000);
    expect(new BandwidthBudget(0.00002, engines([])).jobShare(profile('per-job'), 5)).to.equal(1);
    const l1: number[] = []; const l2: number[] = [];
    b.apply(profile('per-job'), [job(l1), job(l2)]);
    expect([l1, l2]).to.deep.equal([[500_000], [500_000]]);
  });

  it('an engine with one shared budget gets the whole budget, and its jobs no share of their own', () => {
    const given: number[] = [];
    const b = new BandwidthBudget(8, engines(given));
    expect(b.jobShare(profile('sharing'), 4)).to.equal(0);
    const l: number[] = [];
    b.apply(profile('sharing'), [job(l)]);
    expect(given).to.deep.equal([1_000_000]);
    expect(l).to.deep.equal([]);
  });

  it('an unknown engine is no error here (the profile fails where the engine is needed); no jobs, nothing applied', () => {
    const b = new BandwidthBudget(8, engines([]));
    expect(b.jobShare(profile('teleport'), 2)).to.equal(500_000);
    expect(() => b.apply(profile('per-job'), [])).to.not.throw();
  });
});
