import { expect } from 'chai';
import { Redis } from 'ioredis';
import { runCliLikeCron } from '../../helpers/cli-child';
import { ScaleOutPool, scaleTree, until } from '../../helpers/scale-out-pool';
import { useScaleOutHarness } from './scale-out-harness';
import { DEFAULT_PREFIX, QUEUE_NAME } from '../../../src/scaleout/names';

/**
 * Scale-out with a real redis-server and real `robocurse worker` processes: `robocurse
 * set-concurrency` caps the attempts running on all hosts together; lowering it lets the
 * running chunks finish and starts none beyond the new cap (attempts already waiting in Redis
 * are taken back), raising it starts more at once.
 */
describe('scale-out: set-concurrency from another terminal while two workers with two slots each copy', function () {
  this.timeout(240_000);
  const h = useScaleOutHarness();

  it('lowered to 1: no new start until one attempt runs on all hosts together; raised to 3: three run; the run completes', async () => {
    // Six attempts handed over for four slots: two wait in Redis.
    const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 250_000), { bandwidthMbps: 2, maxJobs: 6 }));
    const ws = [p.startWorker('w1', 2), p.startWorker('w2', 2)];
    const running = (): number => ws.reduce((n, w) => n + w.running().length, 0);
    const started = (): number => ws.reduce((n, w) => n + w.started().length, 0);
    const redis = new Redis(h.redis.url);
    const key = (k: string): string => `${DEFAULT_PREFIX}:${QUEUE_NAME}:${k}`;
    const waitingInRedis = async (): Promise<number> => (await redis.llen(key('wait'))) + (await redis.zcard(key('prioritized')));
    const run = h.startCoordinator(p);
    let startedAtApply: number;
    try {
      await until('all four slots copy and two attempts wait in Redis', async () => running() === 4 && (await waitingInRedis()) === 2);
      const lower = await runCliLikeCron(['set-concurrency', '1', '-c', p.config, '--profile', 'p']);
      // The chunks began together and last several seconds: no slot has freed since they did.
      startedAtApply = started();
      expect(lower.code, lower.stderr).to.equal(0);
      expect(lower.stdout).to.match(/set-concurrency \(#\d+\): (applied|ok)/i);
      await until('the attempts waiting in Redis are taken back', async () => (await waitingInRedis()) === 0);
    } finally {
      redis.disconnect();
    }
    // Running chunks go on; as they end nothing takes their place until fewer than one runs.
    let capReached = false;
    let most = 0;
    let startedAtCap = 0;
    await until('the cap is reached and one more attempt has begun under it', () => {
      const n = running();
      if (!capReached && n <= 1) { capReached = true; startedAtCap = started(); }
      if (capReached) most = Math.max(most, n);
      return capReached && started() > startedAtCap;
    }, 180_000);
    expect(startedAtCap, 'no attempt began while more than one ran').to.equal(startedAtApply);
    expect(most, 'attempts running on all hosts together under a cap of 1').to.be.at.most(1);
    expect(run.child.exitCode, 'the run is still copying').to.equal(null);

    const raise = await runCliLikeCron(['set-concurrency', '3', '-c', p.config, '--profile', 'p']);
    expect(raise.code, raise.stderr).to.equal(0);
    let peak = 0;
    await until('three attempts run at once', () => { peak = Math.max(peak, running()); return peak >= 3; }, 120_000);
    expect(peak).to.equal(3);
    await h.expectCompleteRun(p, await h.ended(run));
    const all = ws.flatMap((w) => w.started());
    expect(new Set(all).size, 'no attempt started twice').to.equal(all.length);
  });
});
