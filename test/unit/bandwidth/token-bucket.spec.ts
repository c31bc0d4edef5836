import { expect } from 'chai';
import * as sinon from 'sinon';
import { TokenBucket } from '../../../src/bandwidth/token-bucket';

/** Lets promise callbacks run without advancing the fake clock. */
const flush = async (): Promise<void> => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

describe('TokenBucket', () => {
  let clock: sinon.SinonFakeTimers;
  const now = (): number => Date.now();

  beforeEach(() => { clock = sinon.useFakeTimers(); });

  function track(p: Promise<void>): { done: boolean; error?: unknown } {
    const s: { done: boolean; error?: unknown } = { done: false };
    p.then(() => { s.done = true; }, (e) => { s.done = true; s.error = e; });
    return s;
  }

  it('is unlimited at rate 0', async () => {
    const b = new TokenBucket({ bytesPerSec: 0, now });
    const s = track(b.take(10 ** 12));
    await flush();
    expect(s.done).to.equal(true);
    expect(clock.countTimers()).to.equal(0);
  });

  it('grants the initial burst at once, then paces at the rate', async () => {
    const b = new TokenBucket({ bytesPerSec: 1000, burstBytes: 1000, now });
    const first = track(b.take(1000));
    await flush();
    expect(first.done).to.equal(true);
    const second = track(b.take(500));
    await flush();
    expect(second.done).to.equal(false);
    await clock.tickAsync(490);
    expect(second.done).to.equal(false);
    await clock.tickAsync(20);
    expect(second.done).to.equal(true);
  });

  it('keeps the long-run rate for many small takes from several jobs sharing it', async () => {
    const b = new TokenBucket({ bytesPerSec: 10_000, burstBytes: 1000, now });
    let granted = 0;
    const job = async (): Promise<void> => { for (let i = 0; i < 50; i++) { await b.take(100); granted += 100; } };
    const all = Promise.all([job(), job(), job(), job()]); // 20,000 bytes in all
    await clock.tickAsync(1000);
    // 1000 burst + 10,000 in one second, give or take one take of rounding.
    expect(granted).to.be.within(10_900, 11_100);
    await clock.tickAsync(1000);
    await all;
    expect(granted).to.equal(20_000);
  });

  it('arms at most one timer however many wait (no busy-waiting)', async () => {
    const b = new TokenBucket({ bytesPerSec: 1000, burstBytes: 100, now });
    const waits = Array.from({ length: 20 }, () => track(b.take(100)));
    await flush();
    expect(clock.countTimers()).to.be.at.most(1);
    let fired = 0;
    while (waits.some((w) => !w.done)) {
      expect(clock.countTimers()).to.equal(1);
      await clock.nextAsync();
      fired++;
    }
    // One wake-up per grant (or fewer), never a spin of short timers.
    expect(fired).to.be.at.most(20);
    expect(clock.countTimers()).to.equal(0);
  });

  it('serves waiters first come, first served', async () => {
    const b = new TokenBucket({ bytesPerSec: 1000, burstBytes: 1000, now });
    await b.take(1000);
    const order: string[] = [];
    const big = b.take(800).then(() => order.push('big'));
    const small = b.take(10).then(() => order.push('small'));
    await clock.tickAsync(2000);
    await Promise.all([big, small]);
    expect(order).to.deep.equal(['big', 'small']);
  });

  it('grants a request larger than the burst, and later requests pay the debt', async () => {
    const b = new TokenBucket({ bytesPerSec: 1000, burstBytes: 100, now });
    const big = track(b.take(5000));
    await flush();
    expect(big.done).to.equal(true);
    const next = track(b.take(100));
    await clock.tickAsync(4900);
    expect(next.done).to.equal(false);
    await clock.tickAsync(200);
    expect(next.done).to.equal(true);
  });

  it('applies a rate change to requests already waiting', async () => {
    const b = new TokenBucket({ bytesPerSec: 100, burstBytes: 1000, now });
    await b.take(1000);
    const w = track(b.take(1000)); // 10 s at 100 B/s
    await clock.tickAsync(1000);
    b.setRate(10_000); // the remaining 900 bytes now take 90 ms
    await clock.tickAsync(100);
    expect(w.done).to.equal(true);
  });

  it('releases every waiter when set to unlimited', async () => {
    const b = new TokenBucket({ bytesPerSec: 10, burstBytes: 10, now });
    await b.take(10);
    const ws = [track(b.take(1000)), track(b.take(1000))];
    await flush();
    b.setRate(0);
    await flush();
    expect(ws.every((w) => w.done && w.error === undefined)).to.equal(true);
    expect(clock.countTimers()).to.equal(0);
  });

  it('rejects with AbortError on abort and lets the next waiter go', async () => {
    const b = new TokenBucket({ bytesPerSec: 100, burstBytes: 100, now });
    await b.take(100);
    const ac = new AbortController();
    const aborted = track(b.take(100_000, ac.signal));
    const after = track(b.take(100));
    await flush();
    ac.abort();
    await flush();
    expect(aborted.done).to.equal(true);
    expect((aborted.error as Error).name).to.equal('AbortError');
    expect(b.waiting).to.equal(1);
    await clock.tickAsync(1100);
    expect(after.done).to.equal(true);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const b = new TokenBucket({ bytesPerSec: 100, now });
    const ac = new AbortController();
    ac.abort();
    const s = track(b.take(1, ac.signal));
    await flush();
    expect(s.error).to.be.instanceOf(Error);
  });
});
