import { expect } from 'chai';
import { Redis } from 'ioredis';
import { diffTrees } from '../../helpers/make-tree';
import { runCliLikeCron } from '../../helpers/cli-child';
import { expectRunEnded } from '../../helpers/run-evidence';
import { ScaleOutPool, scaleTree, until } from '../../helpers/scale-out-pool';
import { useScaleOutHarness } from './scale-out-harness';
import { DEFAULT_PREFIX, QUEUE_NAME } from '../../../src/scaleout/names';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Scale-out with a real redis-server and real `robocurse worker` processes: a pause holds the
 * attempts already waiting in Redis, and a Redis outage longer than global.queueOutageSeconds
 * ends the run with those chunks not done (exit 1) instead of waiting for ever.
 */
describe('scale-out: pause holds the queue; a long Redis outage ends the run, nothing counted done', function () {
  this.timeout(240_000);
  const h = useScaleOutHarness();

  it('pause from another terminal: attempts waiting in Redis do not start until resume', async () => {
    // One slot for three dispatched attempts: two of them wait in Redis.
    const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 400_000), { bandwidthMbps: 16, maxJobs: 3 }));
    const w = p.startWorker('w1', 1);
    const run = h.startCoordinator(p);
    await until('the worker copies', () => w.started().length > 0);
    const paused = await runCliLikeCron(['pause', '-c', p.config, '--profile', 'p']);
    expect(paused.code, paused.stderr).to.equal(0);
    // The pause reaches the queue itself: BullMQ's paused flag, which every worker honours.
    const redis = new Redis(h.redis.url);
    const queuePaused = async (): Promise<boolean> => (await redis.hexists(`${DEFAULT_PREFIX}:${QUEUE_NAME}:meta`, 'paused')) === 1;
    try {
      await until('the queue is paused in Redis', queuePaused);
      await until('the running chunk ends', () => p.copiers().length === 0, 120_000);
      await sleep(2000);
      const held = w.started().length;
      await sleep(6000);
      expect(w.started().length, 'no attempt started while paused').to.equal(held);
      expect(p.copiers()).to.deep.equal([]);
      expect(run.child.exitCode, 'the run waits while paused').to.equal(null);
      const resumed = await runCliLikeCron(['resume', '-c', p.config, '--profile', 'p']);
      expect(resumed.code, resumed.stderr).to.equal(0);
      await until('the queue is resumed in Redis', async () => !(await queuePaused()));
    } finally {
      redis.disconnect();
    }
    await h.expectCompleteRun(p, await h.ended(run));
  });

  it('Redis gone longer than global.queueOutageSeconds: the run ends exit 1, the held chunks not done; the next run completes', async () => {
    const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 400_000), { bandwidthMbps: 4, maxJobs: 4, global: { queueOutageSeconds: 4 } }));
    const w = p.startWorker('w1', 2);
    const run = h.startCoordinator(p);
    await until('the worker copies', () => w.started().length > 0 && p.copiers().length > 0);
    await h.redis.kill();
    const ended = await h.ended(run);
    expectRunEnded(ended, p.stateDir, 1, true);
    expect(ended.stdout + ended.stderr).to.contain('global.queueOutageSeconds');
    const prof = (ended.summary!.profiles as Array<{ chunksFailed: number; chunksOk: number; chunksTotal: number }>)[0];
    expect(prof.chunksFailed, 'the chunks the outage cut off are not done').to.be.greaterThan(0);
    expect(prof.chunksOk + prof.chunksFailed).to.be.at.most(prof.chunksTotal);
    // The worker is cut off as well: its locks lapse and it kills its copiers; it stays up for Redis.
    expect(await p.copiersGone(60_000)).to.deep.equal([]);
    expect(w.child.exitCode, 'the worker outlives the outage').to.equal(null);
    await h.redis.start();
    p.unthrottle();
    const again = await runCliLikeCron(['run', '-c', p.config, '--all', '--queue', h.redis.url, '--json']);
    await h.expectCompleteRun(p, again);
    expect(diffTrees(p.src, p.dst)).to.deep.equal([]);
  });
});
