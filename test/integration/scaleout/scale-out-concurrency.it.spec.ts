import * as path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { runCliLikeCron } from '../../helpers/cli-child';
import { ScaleOutPool, scaleTree, until } from '../../helpers/scale-out-pool';
import { useScaleOutHarness } from './scale-out-harness';
import { DEFAULT_PREFIX, QUEUE_NAME } from '../../../src/scaleout/names';

interface AttemptSpan { id: string; start: number; end: number }

/** The attempts the coordinator recorded for `sessionId` (its own clock: begun when handed over, ended when recorded) and when each set-concurrency was applied. */
function coordinatorRecords(stateDir: string, sessionId: string): { attempts: AttemptSpan[]; applied: Map<string, number> } {
  const db = new Database(path.join(stateDir, 'robocurse.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`SELECT a.chunk_id || '.a' || a.attempt AS id, a.started_at AS s, a.finished_at AS f FROM chunk_attempts a
      JOIN profile_runs p ON p.id = a.profile_run_id WHERE p.session_id = ?`).all(sessionId) as Array<{ id: string; s: string; f: string }>;
    const cmds = db.prepare(`SELECT argument, applied_at FROM commands WHERE command = 'set-concurrency' AND applied_at IS NOT NULL`).all() as Array<{ argument: string; applied_at: string }>;
    return {
      attempts: rows.map((r) => ({ id: r.id, start: Date.parse(r.s), end: Date.parse(r.f) })),
      applied: new Map(cmds.map((c) => [String(c.argument), Date.parse(c.applied_at)])),
    };
  } finally {
    db.close();
  }
}

/** Attempts in flight at `t` other than `except`. */
const inFlight = (all: AttemptSpan[], t: number, except?: AttemptSpan): AttemptSpan[] => all.filter((b) => b !== except && b.start < t && b.end > t);

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
      startedAtApply = started();
      expect(lower.code, lower.stderr).to.equal(0);
      expect(lower.stdout).to.match(/set-concurrency \(#\d+\): (applied|ok)/i);
      await until('the attempts waiting in Redis are taken back', async () => (await waitingInRedis()) === 0);
    } finally {
      redis.disconnect();
    }
    // Running chunks go on; as they end nothing takes their place until none runs (checked below on the coordinator's records).
    await until('an attempt has begun under the cap of 1', () => started() > startedAtApply, 180_000);
    expect(run.child.exitCode, 'the run is still copying').to.equal(null);

    const raise = await runCliLikeCron(['set-concurrency', '3', '-c', p.config, '--profile', 'p']);
    expect(raise.code, raise.stderr).to.equal(0);
    let peak = 0;
    await until('three attempts run at once', () => { peak = Math.max(peak, running()); return peak >= 3; }, 120_000);
    expect(peak).to.equal(3);
    const ended = await h.ended(run);
    await h.expectCompleteRun(p, ended);
    const { attempts, applied } = coordinatorRecords(p.stateDir, ended.summary!.sessionId as string);
    const [t1, t3] = [applied.get('1'), applied.get('3')];
    expect(t1 !== undefined && t3 !== undefined && t1 < t3, 'both commands applied, in order').to.equal(true);
    const ctx = JSON.stringify({ t1, t3, attempts });
    // The attempts waiting in Redis were taken back (never recorded): only those the workers had begun remain in flight.
    expect(inFlight(attempts, t1!).length, ctx).to.equal(startedAtApply!);
    const underCap = attempts.filter((a) => a.start > t1! && a.start < t3!);
    expect(underCap.length, ctx).to.be.greaterThan(0);
    for (const a of underCap) expect(inFlight(attempts, a.start, a).map((b) => b.id), `in flight when ${a.id} began: ${ctx}`).to.deep.equal([]);
    const all = ws.flatMap((w) => w.started());
    expect(new Set(all).size, 'no attempt started twice').to.equal(all.length);
  });
});
