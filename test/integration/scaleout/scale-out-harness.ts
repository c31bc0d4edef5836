import { expect } from 'chai';
import { diffTrees } from '../../helpers/make-tree';
import { startCli } from '../../helpers/run-cli';
import { expectRunEnded, jsonSummary } from '../../helpers/run-evidence';
import { TestRedis } from '../../helpers/redis-server';
import type { ScaleOutPool } from '../../helpers/scale-out-pool';

type Started = ReturnType<typeof startCli>;
type Ended = Awaited<Started['result']> & { summary?: Record<string, unknown> };

/** What every scale-out case works with: its own redis-server, the pool it builds, the common end checks. */
export interface ScaleOutHarness {
  readonly redis: TestRedis;
  /** Registers the case's pool: its workers are killed and its files removed after the case. */
  use(p: ScaleOutPool): ScaleOutPool;
  /** The end every case must reach: exit 0, destination = source, each chunk once, no copier left. */
  expectCompleteRun(p: ScaleOutPool, r: { code: number | null; stdout: string; stderr: string; summary?: Record<string, unknown> }): Promise<void>;
  /** The coordinator as cron starts it, left running while the test acts on the pool. */
  startCoordinator(p: ScaleOutPool): Started;
  ended(run: Started): Promise<Ended>;
}

/**
 * Installs the hooks of a scale-out suite (a real redis-server for the file, the pool's workers
 * SIGKILLed after each case) in the calling describe. The cases are spread over several spec
 * files so that mocha's parallel workers run them side by side: each lasts 30-70 s, mostly
 * waiting for locks, stalls and bandwidth-limited copies.
 */
export function useScaleOutHarness(): ScaleOutHarness {
  let redis: TestRedis | undefined;
  let pool: ScaleOutPool | undefined;
  before(async () => { redis = await new TestRedis().start(); });
  after(async () => { await redis?.stop(); });
  afterEach(async () => {
    if (!pool) return;
    await pool.stopWorkers('SIGKILL');
    pool.cleanup();
    pool = undefined;
  });
  return {
    get redis(): TestRedis { if (!redis) throw new Error('redis-server not started yet'); return redis; },
    use(p) { pool = p; return p; },
    async expectCompleteRun(p, r) {
      expectRunEnded(r, p.stateDir, 0, true);
      expect(diffTrees(p.src, p.dst)).to.deep.equal([]);
      p.expectEveryChunkOnce(11, r.summary!.sessionId as string);
      expect(await p.copiersGone(15_000)).to.deep.equal([]);
    },
    startCoordinator(p) {
      return startCli(['run', '-c', p.config, '--all', '--queue', this.redis.url, '--json'], { env: { TERM: 'dumb' } });
    },
    async ended(run) {
      const res = await run.result;
      return { ...res, summary: jsonSummary(res.stdout) };
    },
  };
}
