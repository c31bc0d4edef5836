import { expect } from 'chai';
import { diffTrees } from '../../helpers/make-tree';
import { runCliLikeCron } from '../../helpers/cli-child';
import { startCli } from '../../helpers/run-cli';
import { expectRunEnded, jsonSummary } from '../../helpers/run-evidence';
import { NetnsHost } from '../../helpers/netns-host';
import { TestRedis } from '../../helpers/redis-server';
import { ScaleOutPool, scaleTree, until } from '../../helpers/scale-out-pool';

/**
 * Workers as separate "hosts": each in its own network namespace, reaching a password-protected
 * Redis only over its veth link. A partition cuts that link while the worker's Node process keeps
 * running: BullMQ then reports no failed lock renewal (the renewal just waits), so the worker
 * must notice the silence itself and kill its copier before the chunk can run elsewhere.
 */
describe('scale-out across network namespaces (root)', function () {
  this.timeout(240_000);
  const password = `pw-${process.pid}`;
  const env = { ROBOCURSE_REDIS_PASSWORD: password };
  const hosts = [new NetnsHost(1), new NetnsHost(2)];
  let redis: TestRedis;
  let pool: ScaleOutPool | undefined;

  before(async function () {
    // Network namespaces need root; CI and this machine run the tests as root.
    if (process.getuid?.() !== 0) this.skip();
    for (const h of hosts) h.create();
    redis = await new TestRedis({ bind: hosts.map((h) => h.hostAddr), password }).start();
  });
  after(async () => {
    await pool?.stopWorkers('SIGKILL');
    pool?.cleanup();
    await redis?.stop();
    for (const h of hosts) h.remove();
  });

  const queueOf = (h: NetnsHost): string => `redis://${h.hostAddr}:${redis.port}`;

  it('Redis refuses a worker without the password (exit 4), and accepts it from ROBOCURSE_REDIS_PASSWORD', async () => {
    const r = await runCliLikeCron(['workers', '--queue', redis.url]);
    expect(r.code).to.equal(4);
    expect(r.stderr).to.match(/cannot reach the queue at redis:\/\/127\.0\.0\.1:\d+: .*(NOAUTH|auth)/i);
    expect(r.stderr).to.not.include(password);
    const ok = await runCliLikeCron(['workers', '--queue', redis.url, '--json'], { env });
    expect(ok.code, ok.stderr).to.equal(0);
  });

  it('a worker cut off from Redis kills its copier while cut off; the chunk runs on the other host; healed, the run finishes once', async () => {
    pool = new ScaleOutPool(redis, scaleTree(8, 400_000), { bandwidthMbps: 4, maxJobs: 2 });
    const p = pool;
    const a = p.startWorker('a', 1, { host: hosts[0], queue: queueOf(hosts[0]), env });
    await until('worker a is up', () => /takes chunks from/.test(a.stderr()));
    const run = startCli(['run', '-c', p.config, '--all', '--queue', redis.url, '--json'], { env: { TERM: 'dumb', ...env } });
    await until('worker a copies', () => a.started().length > 0 && p.copiers().length > 0);
    const b = p.startWorker('b', 1, { host: hosts[1], queue: queueOf(hosts[1]), env });
    const cut = a.started()[a.started().length - 1];
    hosts[0].partition();
    await until('worker a kills its copier while cut off', () => new RegExp(`killing the copier of ${cut.replace(/\./g, '\\.')}: no lock renewal`).test(a.stderr()), 60_000);
    await until('the cut-off chunk runs on host 2', () => b.started().includes(cut), 120_000);
    hosts[0].heal();
    const res = await run.result;
    const summary = jsonSummary(res.stdout);
    expectRunEnded({ ...res, summary }, p.stateDir, 0, true);
    expect(diffTrees(p.src, p.dst)).to.deep.equal([]);
    p.expectEveryChunkOnce(9, summary!.sessionId as string);
    expect(await p.copiersGone(15_000)).to.deep.equal([]);
  });
});
