import { expect } from 'chai';
import { diffTrees } from '../../helpers/make-tree';
import { runCliLikeCron, waitForNoProcesses } from '../../helpers/cli-child';
import { startCli } from '../../helpers/run-cli';
import { expectRunEnded, jsonSummary } from '../../helpers/run-evidence';
import { TestRedis } from '../../helpers/redis-server';
import { ScaleOutPool, scaleTree, until, TEST_LOCK_SECONDS, TEST_STALLED_SECONDS } from '../../helpers/scale-out-pool';

/**
 * Scale-out over BullMQ with a real redis-server and real `robocurse worker` processes (each in
 * its own process group, standing for a host), the coordinator run the way cron runs it. Every
 * case ends with the destination identical to the source, every chunk recorded once, and no
 * copier process (rsync) left.
 */
describe('scale-out: robocurse run --queue with robocurse worker processes', function () {
  this.timeout(240_000);
  let redis: TestRedis;
  let pool: ScaleOutPool | undefined;

  before(async () => { redis = await new TestRedis().start(); });
  after(async () => { await redis?.stop(); });
  afterEach(async () => {
    if (!pool) return;
    await pool.stopWorkers('SIGKILL');
    pool.cleanup();
    pool = undefined;
  });

  /** The end every case must reach: exit 0, destination = source, each chunk once, no copier left. */
  async function expectCompleteRun(p: ScaleOutPool, r: { code: number | null; stdout: string; stderr: string; summary?: Record<string, unknown> }): Promise<void> {
    expectRunEnded(r, p.stateDir, 0, true);
    expect(diffTrees(p.src, p.dst)).to.deep.equal([]);
    p.expectEveryChunkOnce(11, r.summary!.sessionId as string);
    expect(await waitForNoProcesses(p.root, 15_000).then(() => p.copiers())).to.deep.equal([]);
  }

  /** The coordinator as cron starts it, left running while the test acts on the pool. */
  function startCoordinator(p: ScaleOutPool): ReturnType<typeof startCli> {
    return startCli(['run', '-c', p.config, '--all', '--queue', redis.url, '--json'], { env: { TERM: 'dumb' } });
  }

  async function ended(run: ReturnType<typeof startCli>): Promise<Awaited<ReturnType<typeof startCli>['result']> & { summary?: Record<string, unknown> }> {
    const res = await run.result;
    return { ...res, summary: jsonSummary(res.stdout) };
  }

  it('copies a tree on three workers: destination = source, each chunk once, the workers listed', async () => {
    pool = new ScaleOutPool(redis, scaleTree(10, 400_000), { bandwidthMbps: 12, maxJobs: 6 });
    const p = pool;
    const workers = ['w1', 'w2', 'w3'].map((n) => p.startWorker(n, 2));
    await until('three workers are listed', async () => {
      const l = await runCliLikeCron(['workers', '--queue', redis.url, '--json']);
      return l.code === 0 && (l.lines[0]?.workers as unknown[] | undefined)?.length === 3;
    });
    const listed = await runCliLikeCron(['workers', '--queue', redis.url, '--json']);
    const ws = listed.lines[0].workers as Array<{ slots: number; running: string[]; lastHeartbeat: string; host: string }>;
    expect(ws.map((w) => w.slots)).to.deep.equal([2, 2, 2]);
    expect(ws.every((w) => w.host && !Number.isNaN(Date.parse(w.lastHeartbeat)))).to.equal(true);
    const r = await runCliLikeCron(['run', '-c', p.config, '--all', '--queue', redis.url, '--json']);
    await expectCompleteRun(p, r);
    // Progress flows back live: the coordinator's status lines show bytes of chunks still running on workers.
    const live = r.lines.filter((l) => l.type === 'status' && (l.active as Array<{ bytesCopied: number }> | undefined)?.some((a) => a.bytesCopied > 0));
    expect(live.length, 'status lines with live bytes of running chunks').to.be.greaterThan(0);
    const ran = workers.filter((w) => w.started().length > 0);
    expect(ran.length, workers.map((w) => w.stderr()).join('\n')).to.be.at.least(2);
    expect(workers.flatMap((w) => w.started()).length).to.equal(11);
  });

  it('a worker SIGKILLed mid-chunk: its copier dies with it and the chunk is re-run on another worker', async () => {
    pool = new ScaleOutPool(redis, scaleTree(10, 400_000), { bandwidthMbps: 8, maxJobs: 4 });
    const p = pool;
    const a = p.startWorker('a', 2);
    const run = startCoordinator(p);
    await until('worker a copies', () => a.started().length > 0 && p.copiers().length > 0);
    const b = p.startWorker('b', 2);
    const lost = a.started();
    a.child.kill('SIGKILL'); // the Node process only: its rsync must not outlive it
    await a.exited;
    await until('the lost chunk runs on worker b', () => lost.some((id) => b.started().includes(id)), 120_000);
    // Restarted on its host (systemd would), worker a first reaps what its killed incarnation left: scratch directories, copiers.
    const again = p.startWorker('a', 2);
    await until('worker a is back', () => /takes chunks from/.test(again.stderr()));
    await expectCompleteRun(p, await ended(run));
  });

  it('stop from another terminal while three workers copy: copiers killed, run exits 3; the next run completes', async () => {
    pool = new ScaleOutPool(redis, scaleTree(10, 400_000), { bandwidthMbps: 4, maxJobs: 6 });
    const p = pool;
    const ws = ['w1', 'w2', 'w3'].map((n) => p.startWorker(n, 2));
    const run = startCoordinator(p);
    await until('all three workers copy', () => ws.every((w) => w.started().length > 0));
    const stop = await runCliLikeCron(['stop', '-c', p.config, '--profile', 'p']);
    expect(stop.code, stop.stderr).to.equal(0);
    expectRunEnded(await ended(run), p.stateDir, 3, true);
    expect(await waitForNoProcesses(p.root, 15_000).then(() => p.copiers())).to.deep.equal([]);
    expect(ws.every((w) => w.child.exitCode === null), 'workers keep running after a stop').to.equal(true);
    const again = await runCliLikeCron(['run', '-c', p.config, '--all', '--queue', redis.url, '--json'], {});
    expectRunEnded(again, p.stateDir, 0, true);
    expect(diffTrees(p.src, p.dst)).to.deep.equal([]);
    expect(p.copiers()).to.deep.equal([]);
  });

  it('a worker started after the run began joins it', async () => {
    pool = new ScaleOutPool(redis, scaleTree(10, 400_000), { bandwidthMbps: 8, maxJobs: 4 });
    const p = pool;
    const first = p.startWorker('first', 1);
    const run = startCoordinator(p);
    await until('the first worker copies', () => first.started().length > 0);
    const late = p.startWorker('late', 2);
    await until('the late worker takes a chunk', () => late.started().length > 0, 120_000);
    await expectCompleteRun(p, await ended(run));
  });

  it('a worker frozen (SIGSTOP) past its lock: the chunk runs elsewhere; thawed, it kills its copier and its result is not counted', async () => {
    pool = new ScaleOutPool(redis, scaleTree(10, 400_000), { bandwidthMbps: 4, maxJobs: 2 });
    const p = pool;
    const a = p.startWorker('a', 1);
    const run = startCoordinator(p);
    await until('worker a copies', () => a.started().length > 0);
    const b = p.startWorker('b', 1);
    const frozen = a.started()[0];
    process.kill(a.child.pid!, 'SIGSTOP');
    // The lock lapses after TEST_LOCK_SECONDS, the next stall check (every TEST_STALLED_SECONDS) frees the chunk for b.
    await until('the frozen chunk runs on worker b', () => b.started().includes(frozen), 120_000);
    process.kill(a.child.pid!, 'SIGCONT');
    await until('worker a kills its copier', () => /killing the copier of/.test(a.stderr()), 60_000);
    await expectCompleteRun(p, await ended(run));
    expect(TEST_LOCK_SECONDS).to.be.greaterThan(TEST_STALLED_SECONDS);
  });

  it('the coordinator SIGKILLed mid-run, then started again: it clears the dead run\'s jobs and finishes', async () => {
    pool = new ScaleOutPool(redis, scaleTree(10, 400_000), { bandwidthMbps: 4, maxJobs: 4 });
    const p = pool;
    const ws = [p.startWorker('w1', 2), p.startWorker('w2', 2)];
    const first = startCoordinator(p);
    await until('chunks are copied', () => ws.flatMap((w) => w.started()).length >= 3);
    first.child.kill('SIGKILL');
    await first.result;
    const again = await runCliLikeCron(['run', '-c', p.config, '--all', '--queue', redis.url, '--json']);
    await expectCompleteRun(p, again);
    expect(ws.every((w) => w.child.exitCode === null), 'workers outlive the coordinator').to.equal(true);
  });

  it('Redis killed and restarted mid-run (AOF): workers and coordinator reconnect and the run finishes', async () => {
    pool = new ScaleOutPool(redis, scaleTree(10, 400_000), { bandwidthMbps: 4, maxJobs: 4 });
    const p = pool;
    const ws = [p.startWorker('w1', 2), p.startWorker('w2', 2)];
    const run = startCoordinator(p);
    await until('chunks are copied', () => ws.flatMap((w) => w.started()).length >= 2);
    await redis.kill();
    await new Promise((r) => setTimeout(r, 1500));
    await redis.start();
    await expectCompleteRun(p, await ended(run));
    expect(ws.every((w) => w.child.exitCode === null), 'workers survive the Redis restart').to.equal(true);
  });

  it('suspend from another terminal freezes the copiers on every worker, past the lock time without a re-run; resume finishes', async () => {
    pool = new ScaleOutPool(redis, scaleTree(10, 400_000), { bandwidthMbps: 4, maxJobs: 4 });
    const p = pool;
    const ws = [p.startWorker('w1', 2), p.startWorker('w2', 2)];
    const run = startCoordinator(p);
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
    await expectCompleteRun(p, await ended(run));
    const all = ws.flatMap((w) => w.started());
    expect(new Set(all).size, 'no attempt started twice').to.equal(all.length);
  });

  it('a worker stopped with SIGTERM mid-chunk hands its chunks back at once and exits 0; another worker finishes them', async () => {
    pool = new ScaleOutPool(redis, scaleTree(10, 400_000), { bandwidthMbps: 4, maxJobs: 4 });
    const p = pool;
    const a = p.startWorker('a', 2);
    const run = startCoordinator(p);
    await until('worker a copies', () => a.started().length > 0 && p.copiers().length > 0);
    const handed = a.started();
    a.child.kill('SIGTERM');
    expect(await a.exited).to.equal(0);
    expect(a.stderr()).to.match(/handed back/);
    expect(p.copiers(), 'worker a left no copier').to.deep.equal([]);
    const b = p.startWorker('b', 2);
    await until('worker b takes a handed-back chunk', () => handed.some((id) => b.started().includes(id)), 120_000);
    await expectCompleteRun(p, await ended(run));
  });
});
