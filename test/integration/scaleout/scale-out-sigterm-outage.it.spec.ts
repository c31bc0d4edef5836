import { expect } from 'chai';
import { ScaleOutPool, scaleTree, until } from '../../helpers/scale-out-pool';
import { useScaleOutHarness } from './scale-out-harness';

/**
 * Scale-out with a real redis-server and real `robocurse worker` processes: a worker told to stop
 * (SIGTERM, as systemd does) while Redis is down kills its copiers and exits within a bounded
 * time instead of waiting for Redis; once Redis is back, the chunks it held are found stalled and
 * run on another worker, and the run completes.
 */
describe('scale-out: a worker gets SIGTERM while Redis is down', function () {
  this.timeout(240_000);
  const h = useScaleOutHarness();

  it('it kills its copiers and exits 0 without Redis; its chunks run elsewhere when Redis is back; the run completes', async () => {
    const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 400_000), { bandwidthMbps: 4, maxJobs: 4 }));
    const [w1, w2] = [p.startWorker('w1', 2), p.startWorker('w2', 2)];
    const run = h.startCoordinator(p);
    await until('both workers copy', () => w1.running().length > 0 && w2.running().length > 0 && p.copiers().length > 0);
    const held = w1.running();
    await h.redis.kill();
    process.kill(w1.child.pid!, 'SIGTERM');
    // Bounded: docs/scale-out.md says about 15 s (10 s to hand the chunks back, then it leaves); the limit here is generous.
    const code = await Promise.race([w1.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 90_000))]);
    expect(code, w1.stderr().slice(-3000)).to.equal(0);
    expect(w1.stderr()).to.contain('does not answer: leaving without handing the chunks back');
    // w1's copiers died with its stop; w2's die too, as its locks go unrenewed (self-fence): no copier is left.
    await until('no copier process is left', () => p.copiers().length === 0, 60_000);
    expect(run.child.exitCode, 'the coordinator waits for Redis').to.equal(null);

    await h.redis.start();
    await h.expectCompleteRun(p, await h.ended(run));
    // The attempts w1 held when it stopped were found stalled and run again, by w2 (the same job ids).
    const rerun = new Set(w2.started());
    expect(held.filter((id) => rerun.has(id)), `held by w1: ${held.join(', ')}; w2 started: ${[...rerun].join(', ')}`).to.deep.equal(held);
    expect(w2.child.exitCode, 'w2 survives the outage').to.equal(null);
  });
});
