import { expect } from 'chai';
import { Redis } from 'ioredis';
import { runCliLikeCron } from '../../helpers/cli-child';
import { expectRunEnded } from '../../helpers/run-evidence';
import { ScaleOutPool, scaleTree, until } from '../../helpers/scale-out-pool';
import { useScaleOutHarness } from './scale-out-harness';
import { DEFAULT_PREFIX, QUEUE_NAME } from '../../../src/scaleout/names';

/**
 * Scale-out with a real redis-server and real `robocurse worker` processes: `robocurse drain`
 * lets the chunks the workers copy finish, starts none (also none of the attempts already
 * waiting in Redis), and ends the run as a local drain does (exit 3, the rest Pending).
 */
describe('scale-out: drain from another terminal while three workers copy', function () {
  this.timeout(240_000);
  const h = useScaleOutHarness();

  it('running chunks finish and are recorded once, waiting attempts are taken back from Redis, exit 3; the next run completes', async () => {
    // Three one-slot workers, five attempts handed over: two wait in Redis when the drain comes.
    const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 300_000), { bandwidthMbps: 4, maxJobs: 5 }));
    const ws = ['w1', 'w2', 'w3'].map((n) => p.startWorker(n, 1));
    const run = h.startCoordinator(p);
    const redis = new Redis(h.redis.url);
    const key = (k: string): string => `${DEFAULT_PREFIX}:${QUEUE_NAME}:${k}`;
    const waitingInRedis = async (): Promise<number> => (await redis.llen(key('wait'))) + (await redis.zcard(key('prioritized'))) + (await redis.zcard(key('delayed')));
    try {
      await until('every worker copies and attempts wait in Redis', async () => ws.every((w) => w.running().length > 0) && (await waitingInRedis()) > 0);
      const drain = await runCliLikeCron(['drain', '-c', p.config, '--profile', 'p']);
      // The drain is applied now. The chunks began together and last several seconds, so no slot
      // has freed since: the attempts waiting in Redis could only begin later, if not taken back.
      const begun = ws.flatMap((w) => w.started()).sort();
      expect(drain.code, drain.stderr).to.equal(0);
      expect(drain.stdout).to.match(/drain \(#\d+\): (applied|ok)/i);
      await until('no attempt waits in Redis', async () => (await waitingInRedis()) === 0);
      const ended = await h.ended(run);
      const ev = expectRunEnded(ended, p.stateDir, 3, true);
      expect(ev.run?.outcome).to.match(/stop/i);
      expect(ws.flatMap((w) => w.started()).sort(), 'no attempt began after the drain').to.deep.equal(begun);
      expect(await waitingInRedis(), 'no job of the run left waiting in Redis').to.equal(0);
      expect(await redis.llen(key('active')), 'no job of the run left active in Redis').to.equal(0);
      expect(await p.copiersGone(15_000)).to.deep.equal([]);
      expect(ws.every((w) => w.child.exitCode === null), 'workers keep running after a drain').to.equal(true);

      // Every attempt a worker began finished and is recorded once; the chunks no worker began are Pending.
      const rows = p.chunks(ended.summary!.sessionId as string);
      const done = rows.filter((r) => /^Complete/.test(r.status));
      const ctx = JSON.stringify(rows, null, 1);
      expect(done.length, ctx).to.equal(begun.length);
      for (const r of done) expect(r.attemptRows.filter((a) => a.killed === 0 && a.severity === 'Success').length, ctx).to.equal(1);
      const rest = rows.filter((r) => !/^Complete/.test(r.status));
      expect(rest.length, ctx).to.be.greaterThan(0);
      for (const r of rest) expect(r.status, ctx).to.equal('Pending');
      for (const r of rest) expect(r.attemptRows, ctx).to.deep.equal([]);
      const prof = (ended.summary!.profiles as Array<{ chunksOk: number; chunksFailed: number; chunksTotal: number }>)[0];
      expect(prof.chunksOk, JSON.stringify(ended.summary)).to.equal(done.length);
      expect(prof.chunksFailed, JSON.stringify(ended.summary)).to.equal(0);
    } finally {
      redis.disconnect();
    }
    // A later run copies what the drain left: the destination ends identical to the source.
    p.unthrottle();
    const again = await runCliLikeCron(['run', '-c', p.config, '--all', '--queue', h.redis.url, '--json']);
    await h.expectCompleteRun(p, again);
  });
});
