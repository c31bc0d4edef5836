import { expect } from 'chai';
import { diffTrees } from '../../helpers/make-tree';
import { runCliLikeCron } from '../../helpers/cli-child';
import { expectRunEnded } from '../../helpers/run-evidence';
import { ScaleOutPool, scaleTree, until, TEST_LOCK_SECONDS, TEST_STALLED_SECONDS } from '../../helpers/scale-out-pool';
import { useScaleOutHarness } from './scale-out-harness';

/**
 * Scale-out over BullMQ with a real redis-server and real `robocurse worker` processes (each in
 * its own process group, standing for a host), the coordinator run the way cron runs it. Every
 * case ends with the destination identical to the source, every chunk recorded once, and no
 * copier process (rsync) left. This file: stop, suspend and a Redis restart.
 */
describe('scale-out: robocurse run --queue with robocurse worker processes (stop, suspend and a Redis restart)', function () {
  this.timeout(240_000);
  const h = useScaleOutHarness();

  it('stop from another terminal while three workers copy: copiers killed, run exits 3; the next run completes', async () => {
    const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 400_000), { bandwidthMbps: 4, maxJobs: 6 }));
    const ws = ['w1', 'w2', 'w3'].map((n) => p.startWorker(n, 2));
    const run = h.startCoordinator(p);
    await until('all three workers copy', () => ws.every((w) => w.started().length > 0));
    const stop = await runCliLikeCron(['stop', '-c', p.config, '--profile', 'p']);
    expect(stop.code, stop.stderr).to.equal(0);
    expectRunEnded(await h.ended(run), p.stateDir, 3, true);
    expect(await p.copiersGone(15_000)).to.deep.equal([]);
    expect(ws.every((w) => w.child.exitCode === null), 'workers keep running after a stop').to.equal(true);
    p.unthrottle();
    const again = await runCliLikeCron(['run', '-c', p.config, '--all', '--queue', h.redis.url, '--json'], {});
    expectRunEnded(again, p.stateDir, 0, true);
    expect(diffTrees(p.src, p.dst)).to.deep.equal([]);
    expect(p.copiers()).to.deep.equal([]);
  });

  it('suspend from another terminal freezes the copiers on every worker, past the lock time without a re-run; resume finishes', async () => {
    const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 400_000), { bandwidthMbps: 4, maxJobs: 4 }));
    const ws = [p.startWorker('w1', 2), p.startWorker('w2', 2)];
    const run = h.startCoordinator(p);
    await until('both workers copy', () => ws.every((w) => w.started().length > 0) && p.copiers().length > 0);
    const sus = await runCliLikeCron(['suspend', '-c', p.config, '--profile', 'p']);
    expect(sus.code, sus.stderr).to.equal(0);
    await until('every copier is stopped (state T)', () => { const c = p.copierStates(); return c.length > 0 && c.every((x) => x.state === 'T'); });
    const frozen = ws.flatMap((w) => w.started());
    // Longer than a lock and a stall check: the workers keep renewing their locks, so nothing is re-run elsewhere.
    await new Promise((r) => setTimeout(r, (TEST_LOCK_SECONDS + 2 * TEST_STALLED_SECONDS) * 1000));
    expect(ws.flatMap((w) => w.started())).to.deep.equal(frozen);
    expect(p.copierStates().every((x) => x.state === 'T')).to.equal(true);
    const res1 = await runCliLikeCron(['resume', '-c', p.config, '--profile', 'p']);
    expect(res1.code, res1.stderr).to.equal(0);
    await p.unthrottleRun();
    await h.expectCompleteRun(p, await h.ended(run));
    const all = ws.flatMap((w) => w.started());
    expect(new Set(all).size, 'no attempt started twice').to.equal(all.length);
  });

  it('Redis killed and restarted mid-run (AOF): workers and coordinator reconnect and the run finishes', async () => {
    const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 400_000), { bandwidthMbps: 4, maxJobs: 4 }));
    const ws = [p.startWorker('w1', 2), p.startWorker('w2', 2)];
    const run = h.startCoordinator(p);
    await until('chunks are copied', () => ws.flatMap((w) => w.started()).length >= 2);
    await h.redis.kill();
    await new Promise((r) => setTimeout(r, 1500));
    await h.redis.start();
    await p.unthrottleRun();
    await h.expectCompleteRun(p, await h.ended(run));
    expect(ws.every((w) => w.child.exitCode === null), 'workers survive the Redis restart').to.equal(true);
  });
});
