import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { runCliLikeCron } from '../../helpers/cli-child';
import { ScaleOutPool, scaleTree, until, type WorkerProc } from '../../helpers/scale-out-pool';
import { useScaleOutHarness } from './scale-out-harness';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Bytes of every regular file under `dir` (temp files being written included): what has been written so far. */
function bytesUnder(dir: string): number {
  let sum = 0;
  const walk = (d: string): void => {
    let names: string[];
    try { names = fs.readdirSync(d); } catch { return; }
    for (const n of names) {
      const p = path.join(d, n);
      try {
        const st = fs.lstatSync(p);
        if (st.isDirectory()) walk(p);
        else if (st.isFile()) sum += st.size;
      } catch { /* renamed or removed meanwhile */ }
    }
  };
  walk(dir);
  return sum;
}

/** Bytes/s written under `dir` over `ms`. */
async function rateUnder(dir: string, ms: number): Promise<number> {
  const b0 = bytesUnder(dir);
  const t0 = Date.now();
  await sleep(ms);
  return ((bytesUnder(dir) - b0) * 1000) / (Date.now() - t0);
}

/** The rate each attempt running on `ws` was last given (B/s), by attempt id. */
function currentRates(ws: WorkerProc[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of ws) {
    const running = new Set(w.running());
    for (const r of w.rates()) if (running.has(r.attemptId)) out.set(r.attemptId, r.bytesPerSec);
  }
  return out;
}

/**
 * Scale-out with a real redis-server and real `robocurse worker` processes, native engine (its
 * rate changes live): the run's one budget is divided among the jobs running on all hosts, and
 * `robocurse set-bandwidth` reaches the jobs already running on every worker.
 */
describe('scale-out: set-bandwidth from another terminal while two workers copy with the native engine', function () {
  this.timeout(240_000);
  const h = useScaleOutHarness();

  it('each of the four jobs on two hosts gets a quarter of the budget; a new budget reaches the running jobs and their rate follows; the run completes', async () => {
    // 2 Mbit/s = 250 000 B/s for the whole run.
    const p = h.use(new ScaleOutPool(h.redis, scaleTree(10, 1_000_000), { bandwidthMbps: 2, maxJobs: 4, engine: 'native' }));
    const ws = [p.startWorker('w1', 2), p.startWorker('w2', 2)];
    const run = h.startCoordinator(p);
    const sharesAre = (each: number) => (): boolean => {
      const rates = currentRates(ws);
      return rates.size === 4 && [...rates.values()].every((r) => r === each) && ws.every((w) => w.running().length === 2);
    };
    await until('four jobs on two hosts run with a quarter of 250 000 B/s each', sharesAre(62_500), 120_000);
    const slow = await rateUnder(p.dst, 3000);

    const set = await runCliLikeCron(['set-bandwidth', '16', '-c', p.config, '--profile', 'p']);
    expect(set.code, set.stderr).to.equal(0);
    expect(set.stdout).to.match(/set-bandwidth \(#\d+\): (applied|ok)/i);
    // 16 Mbit/s = 2 000 000 B/s: the same four jobs, still running, now get a quarter of that.
    const before = new Set(currentRates(ws).keys());
    await until('the running jobs get a quarter of 2 000 000 B/s', sharesAre(500_000), 60_000);
    const fast = await rateUnder(p.dst, 2000);
    expect([...currentRates(ws).keys()].some((id) => before.has(id)), 'jobs that ran before the change were changed live').to.equal(true);

    // Generous margins (a loaded machine copies slower, never faster than its budget for long).
    expect(slow, `rate under 250 000 B/s: ${Math.round(slow)} B/s`).to.be.below(2 * 250_000);
    expect(fast, `rate under 2 000 000 B/s: ${Math.round(fast)} B/s, before ${Math.round(slow)} B/s`).to.be.above(2.5 * slow);
    await h.expectCompleteRun(p, await h.ended(run));
  });
});
