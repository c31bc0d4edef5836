import { expect } from 'chai';
import { ThroughputMeter } from '../../../src/orchestrator/throughput';

describe('ThroughputMeter', () => {
  it('knows no rate until the samples span the minimum time', () => {
    const m = new ThroughputMeter(30_000, 2_000);
    m.sample(0, 0);
    m.sample(1_000, 1_000_000);
    expect(m.bytesPerSecond()).to.equal(undefined);
    expect(m.etaSeconds(10)).to.equal(undefined);
    m.sample(2_000, 2_000_000);
    expect(m.bytesPerSecond()).to.equal(1_000_000);
  });

  it('measures over the sliding window only', () => {
    const m = new ThroughputMeter(10_000, 1_000);
    // 1 MB/s for 20 s, then 3 MB/s for 10 s: the window sees only the recent rate.
    let bytes = 0;
    for (let t = 0; t <= 20_000; t += 1_000) { m.sample(t, bytes); bytes += 1_000_000; }
    bytes -= 1_000_000;
    for (let t = 21_000; t <= 30_000; t += 1_000) { bytes += 3_000_000; m.sample(t, bytes); }
    expect(m.bytesPerSecond()).to.be.closeTo(3_000_000, 1);
  });

  it('ETA is the remaining bytes over the rate, rounded up; 0 when nothing remains', () => {
    const m = new ThroughputMeter(30_000, 1_000);
    m.sample(0, 0);
    m.sample(4_000, 4_000);
    expect(m.etaSeconds(2_500)).to.equal(3);
    expect(m.etaSeconds(0)).to.equal(0);
    expect(m.etaSeconds(-5)).to.equal(0);
  });

  it('time spent suspended does not count: pause drops the window, samples while paused are ignored', () => {
    const m = new ThroughputMeter(30_000, 1_000);
    m.sample(0, 0);
    m.sample(2_000, 2_000_000);
    m.pause();
    expect(m.bytesPerSecond()).to.equal(undefined);
    m.sample(60_000, 2_000_000);
    m.resume();
    m.sample(100_000, 2_000_000);
    m.sample(102_000, 6_000_000);
    expect(m.bytesPerSecond()).to.equal(2_000_000);
  });

  it('a window without progress has no rate (never a zero that makes the ETA infinite)', () => {
    const m = new ThroughputMeter(30_000, 1_000);
    m.sample(0, 500);
    m.sample(5_000, 500);
    expect(m.bytesPerSecond()).to.equal(undefined);
  });
});
