import { expect } from 'chai';
import { ScaleOutPool, scaleTree, until } from '../../helpers/scale-out-pool';
import type { ScaleOutHarness } from './scale-out-harness';

/**
 * The case of a worker told to stop (SIGTERM, as systemd does) while Redis cannot answer:
 * `outage` takes Redis away (killed: connections refused; frozen: connections open, no answer)
 * and `back` returns it. The worker must kill its copiers and exit 0 within a bounded time; once
 * Redis is back the chunks it held are found stalled, run on the other worker, and the run completes.
 */
export async function sigtermWithoutRedis(h: ScaleOutHarness, outage: () => Promise<void>, back: () => Promise<void>): Promise<void> {
  const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 400_000), { bandwidthMbps: 4, maxJobs: 4 }));
  const [w1, w2] = [p.startWorker('w1', 2), p.startWorker('w2', 2)];
  const run = h.startCoordinator(p);
  await until('both workers copy', () => w1.running().length > 0 && w2.running().length > 0 && p.copiers().length > 0);
  const held = w1.running();
  await outage();
  process.kill(w1.child.pid!, 'SIGTERM');
  // Bounded: docs/scale-out.md says about 15-20 s (10 s to hand the chunks back, then it leaves); the limit here is generous.
  const code = await Promise.race([w1.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 90_000))]);
  expect(code, w1.stderr().slice(-3000)).to.equal(0);
  expect(w1.stderr()).to.contain('does not answer: leaving without handing the chunks back');
  // w1's copiers died with its stop; w2's die too, as its locks go unrenewed (self-fence): no copier is left.
  await until('no copier process is left', () => p.copiers().length === 0, 60_000);
  expect(run.child.exitCode, 'the coordinator waits for Redis').to.equal(null);

  await back();
  // The rest of the run only has to complete: its pace no longer matters (it took ~25 s at 4 Mbit/s).
  await p.unthrottleRun();
  await h.expectCompleteRun(p, await h.ended(run));
  // The attempts w1 held when it stopped were found stalled and run again, by w2 (the same job ids).
  const rerun = new Set(w2.started());
  expect(held.filter((id) => rerun.has(id)), `held by w1: ${held.join(', ')}; w2 started: ${[...rerun].join(', ')}`).to.deep.equal(held);
  expect(w2.child.exitCode, 'w2 survives the outage').to.equal(null);
}
