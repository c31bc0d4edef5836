import { expect } from 'chai';
import { runCliLikeCron } from '../../helpers/cli-child';
import { ScaleOutPool, scaleTree, until, TEST_LOCK_SECONDS, TEST_STALLED_SECONDS } from '../../helpers/scale-out-pool';
import { useScaleOutHarness } from './scale-out-harness';

/**
 * Scale-out over BullMQ with a real redis-server and real `robocurse worker` processes (each in
 * its own process group, standing for a host), the coordinator run the way cron runs it. Every
 * case ends with the destination identical to the source, every chunk recorded once, and no
 * copier process (rsync) left. This file: worker SIGKILL, SIGSTOP past its lock, coordinator SIGKILL.
 */
describe('scale-out: robocurse run --queue with robocurse worker processes (worker SIGKILL, SIGSTOP past its lock, coordinator SIGKILL)', function () {
  this.timeout(240_000);
  const h = useScaleOutHarness();

  it('a worker SIGKILLed mid-chunk: its copier dies with it and the chunk is re-run on another worker', async () => {
    const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 400_000), { bandwidthMbps: 8, maxJobs: 4 }));
    const a = p.startWorker('a', 2);
    const run = h.startCoordinator(p);
    await until('worker a copies', () => a.started().length > 0 && p.copiers().length > 0);
    const b = p.startWorker('b', 2);
    const lost = a.started();
    a.child.kill('SIGKILL'); // the Node process only: its rsync must not outlive it
    await a.exited;
    await until('the lost chunk runs on worker b', () => lost.some((id) => b.started().includes(id)), 120_000);
    // Restarted on its host (systemd would), worker a first reaps what its killed incarnation left: scratch directories, copiers.
    const again = p.startWorker('a', 2);
    await until('worker a is back', () => /takes chunks from/.test(again.stderr()));
    await p.unthrottleRun();
    await h.expectCompleteRun(p, await h.ended(run));
  });

  it('a worker frozen (SIGSTOP) past its lock: the chunk runs elsewhere; thawed, it kills its copier and its result is not counted', async () => {
    const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 400_000), { bandwidthMbps: 4, maxJobs: 2 }));
    const a = p.startWorker('a', 1);
    const run = h.startCoordinator(p);
    await until('worker a copies', () => a.started().length > 0);
    const b = p.startWorker('b', 1);
    const frozen = a.started()[0];
    process.kill(a.child.pid!, 'SIGSTOP');
    // The lock lapses after TEST_LOCK_SECONDS, the next stall check (every TEST_STALLED_SECONDS) frees the chunk for b.
    await until('the frozen chunk runs on worker b', () => b.started().includes(frozen), 120_000);
    process.kill(a.child.pid!, 'SIGCONT');
    await until('worker a kills its copier', () => /killing the copier of/.test(a.stderr()), 60_000);
    await p.unthrottleRun();
    await h.expectCompleteRun(p, await h.ended(run));
    expect(TEST_LOCK_SECONDS).to.be.greaterThan(TEST_STALLED_SECONDS);
  });

  it('the coordinator SIGKILLed mid-run, then started again: it clears the dead run\'s jobs and finishes', async () => {
    const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 400_000), { bandwidthMbps: 4, maxJobs: 4 }));
    const ws = [p.startWorker('w1', 2), p.startWorker('w2', 2)];
    const first = h.startCoordinator(p);
    await until('chunks are copied', () => ws.flatMap((w) => w.started()).length >= 3);
    first.child.kill('SIGKILL');
    await first.result;
    p.unthrottle();
    const again = await runCliLikeCron(['run', '-c', p.config, '--all', '--queue', h.redis.url, '--json']);
    await h.expectCompleteRun(p, again);
    expect(ws.every((w) => w.child.exitCode === null), 'workers outlive the coordinator').to.equal(true);
  });
});
