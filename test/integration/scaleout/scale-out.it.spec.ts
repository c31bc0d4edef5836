import { expect } from 'chai';
import { runCliLikeCron } from '../../helpers/cli-child';
import { ScaleOutPool, scaleTree, until } from '../../helpers/scale-out-pool';
import { useScaleOutHarness } from './scale-out-harness';

/**
 * Scale-out over BullMQ with a real redis-server and real `robocurse worker` processes (each in
 * its own process group, standing for a host), the coordinator run the way cron runs it. Every
 * case ends with the destination identical to the source, every chunk recorded once, and no
 * copier process (rsync) left. This file: copies, worker joins and SIGTERM hand-back.
 */
describe('scale-out: robocurse run --queue with robocurse worker processes (copies, worker joins and SIGTERM hand-back)', function () {
  this.timeout(240_000);
  const h = useScaleOutHarness();

  it('copies a tree on three workers: destination = source, each chunk once, the workers listed', async () => {
    const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 400_000), { bandwidthMbps: 12, maxJobs: 6 }));
    const workers = ['w1', 'w2', 'w3'].map((n) => p.startWorker(n, 2));
    await until('three workers are listed', async () => {
      const l = await runCliLikeCron(['workers', '--queue', h.redis.url, '--json']);
      return l.code === 0 && (l.lines[0]?.workers as unknown[] | undefined)?.length === 3;
    });
    const listed = await runCliLikeCron(['workers', '--queue', h.redis.url, '--json']);
    const ws = listed.lines[0].workers as Array<{ slots: number; running: string[]; lastHeartbeat: string; host: string }>;
    expect(ws.map((w) => w.slots)).to.deep.equal([2, 2, 2]);
    expect(ws.every((w) => w.host && !Number.isNaN(Date.parse(w.lastHeartbeat)))).to.equal(true);
    const r = await runCliLikeCron(['run', '-c', p.config, '--all', '--queue', h.redis.url, '--json']);
    await h.expectCompleteRun(p, r);
    // Progress flows back live: the coordinator's status lines show bytes of chunks still running on workers.
    const live = r.lines.filter((l) => l.type === 'status' && (l.active as Array<{ bytesCopied: number }> | undefined)?.some((a) => a.bytesCopied > 0));
    expect(live.length, 'status lines with live bytes of running chunks').to.be.greaterThan(0);
    const ran = workers.filter((w) => w.started().length > 0);
    expect(ran.length, workers.map((w) => w.stderr()).join('\n')).to.be.at.least(2);
    expect(workers.flatMap((w) => w.started()).length).to.equal(11);
  });

  it('a worker started after the run began joins it', async () => {
    const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 400_000), { bandwidthMbps: 8, maxJobs: 4 }));
    const first = p.startWorker('first', 1);
    const run = h.startCoordinator(p);
    await until('the first worker copies', () => first.started().length > 0);
    const late = p.startWorker('late', 2);
    await until('the late worker takes a chunk', () => late.started().length > 0, 120_000);
    await p.unthrottleRun();
    await h.expectCompleteRun(p, await h.ended(run));
  });

  it('a worker stopped with SIGTERM mid-chunk hands its chunks back at once and exits 0; another worker finishes them', async () => {
    const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 400_000), { bandwidthMbps: 4, maxJobs: 4 }));
    const a = p.startWorker('a', 2);
    const run = h.startCoordinator(p);
    await until('worker a copies', () => a.started().length > 0 && p.copiers().length > 0);
    const handed = a.started();
    a.child.kill('SIGTERM');
    expect(await a.exited).to.equal(0);
    expect(a.stderr()).to.match(/handed back/);
    expect(p.copiers(), 'worker a left no copier').to.deep.equal([]);
    const b = p.startWorker('b', 2);
    await until('worker b takes a handed-back chunk', () => handed.some((id) => b.started().includes(id)), 120_000);
    await p.unthrottleRun();
    await h.expectCompleteRun(p, await h.ended(run));
  });
});
