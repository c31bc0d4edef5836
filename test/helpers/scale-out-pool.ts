import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { packageRoot } from '../../src/paths';
import { processesMentioning, runCliLikeCron } from './cli-child';
import { makeTree, tempDir, type TreeSpec } from './make-tree';
import { cliPath } from './run-cli';
import type { NetnsHost } from './netns-host';
import type { TestRedis } from './redis-server';

/** Test timings for the workers' locks (docs/scale-out.md has the production ones). */
export const TEST_LOCK_SECONDS = 4;
export const TEST_STALLED_SECONDS = 1;

/** One `robocurse worker` process, in its own process group (a "host"). */
export interface WorkerProc {
  name: string;
  child: ChildProcess;
  stderr(): string;
  /** Attempt ids this worker logged as started. */
  started(): string[];
  /** Attempt ids this worker logged as ended (with the engine's exit code). */
  ended(): string[];
  /** Attempts started and not yet ended on this worker. */
  running(): string[];
  /** Rates (B/s, 0 = unlimited) this worker logged per attempt: at its start, then at each change the coordinator sent. */
  rates(): Array<{ attemptId: string; bytesPerSec: number }>;
  exited: Promise<number | null>;
}

/** Chunk rows of one session: id, status, attempts, and the attempts recorded for it. */
export interface ChunkRecord { chunkId: string; status: string; attempts: number; carriedFrom: number | null; attemptRows: Array<{ attempt: number; killed: number; severity: string | null }> }

/**
 * A worker pool on one machine for the scale-out tests: a source tree, a config whose profile
 * copies it with rsync (real copier processes, so orphans can be looked for), worker processes
 * started as the real CLI, and readers of the state database.
 */
export class ScaleOutPool {
  readonly root = tempDir('robocurse-scale-');
  readonly src = path.join(this.root, 'src');
  readonly dst = path.join(this.root, 'dst');
  readonly stateDir = path.join(this.root, 'state');
  readonly config = path.join(this.root, 'rc.json');
  private readonly workers: WorkerProc[] = [];

  constructor(readonly redis: TestRedis, spec: TreeSpec, opts: { bandwidthMbps: number; engine?: string; maxJobs?: number; global?: Record<string, unknown> }) {
    makeTree(this.src, spec);
    fs.writeFileSync(this.config, JSON.stringify({
      version: 1,
      global: { maxConcurrentJobs: opts.maxJobs ?? 4, engine: opts.engine ?? 'rsync', logDir: 'logs', stateDir: 'state', bandwidthLimitMbps: opts.bandwidthMbps, healthIntervalSeconds: 1, ...opts.global },
      profiles: { p: { source: 'src', destination: 'dst', chunking: { mode: 'flat', maxDepth: 1 } } },
    }));
  }

  /** `host`: run it inside that network namespace, reaching Redis at `queue` over its veth link. */
  startWorker(name: string, slots = 2, o: { host?: NetnsHost; queue?: string; env?: NodeJS.ProcessEnv } = {}): WorkerProc {
    const args = [cliPath(), 'worker', '--queue', o.queue ?? this.redis.url, '--slots', String(slots), '--state-dir', path.join(this.root, 'workers', name),
      '--lock-duration', String(TEST_LOCK_SECONDS), '--stalled-interval', String(TEST_STALLED_SECONDS), '--json'];
    // `ip netns exec` enters the namespace and execs node: the pid is the worker's own.
    const [cmd, argv] = o.host ? ['ip', [...o.host.exec().slice(1), process.execPath, ...args]] : [process.execPath, args];
    const child = spawn(cmd, argv, { cwd: packageRoot(), detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TERM: 'dumb', ...o.env } });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => { err += b.toString('utf8'); });
    child.stdout!.resume();
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const ids = (test: (l: string) => boolean): string[] => err.split('\n').filter(test).map((l) => /"attemptId":"([^"]+)"/.exec(l)?.[1] ?? '?');
    const started = (): string[] => ids((l) => l.includes(' started with '));
    const ended = (): string[] => ids((l) => /"exitCode":-?\d+/.test(l) && l.includes('"attemptId"'));
    const w: WorkerProc = {
      name, child, exited, stderr: () => err, started, ended,
      running: () => { const e = new Set(ended()); return started().filter((id) => !e.has(id)); },
      rates: () => err.split('\n').filter((l) => l.includes('"bytesPerSec":')).map((l) => ({
        attemptId: /"attemptId":"([^"]+)"/.exec(l)?.[1] ?? '?', bytesPerSec: Number(/"bytesPerSec":(\d+)/.exec(l)?.[1] ?? NaN),
      })),
    };
    this.workers.push(w);
    return w;
  }

  /** SIGTERM (graceful) or SIGKILL every worker still running, and wait for them. */
  async stopWorkers(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    for (const w of this.workers) {
      if (w.child.exitCode === null && w.child.signalCode === null) {
        try { process.kill(-w.child.pid!, 'SIGCONT'); process.kill(w.child.pid!, signal); } catch { /* gone */ }
      }
    }
    await Promise.all(this.workers.map((w) => Promise.race([w.exited, new Promise((r) => setTimeout(r, 20_000))])));
    for (const w of this.workers) { try { process.kill(-w.child.pid!, 'SIGKILL'); } catch { /* gone */ } }
  }

  /**
   * Lifts the config's bandwidth limit for the runs that follow. For the run after the one under
   * test: the limit keeps that one copying long enough for a kill or an outage to land mid-chunk;
   * the next run only has to complete, and at the test's pace it spent most of a minute doing so.
   */
  unthrottle(): void {
    const config = JSON.parse(fs.readFileSync(this.config, 'utf8')) as { global: Record<string, unknown> };
    config.global.bandwidthLimitMbps = 0;
    fs.writeFileSync(this.config, JSON.stringify(config));
  }

  /**
   * Lifts the budget of the run going on (`robocurse set-bandwidth 0`, as an admin would): for
   * when what the test looks at has happened and the run only has to complete.
   */
  async unthrottleRun(): Promise<void> {
    const r = await runCliLikeCron(['set-bandwidth', '0', '-c', this.config, '--profile', 'p']);
    expect(r.code, r.stderr).to.equal(0);
  }

  /** Copier processes (rsync) of this pool: anything mentioning the temp dir that is not robocurse itself. */
  copiers(): string[] {
    return processesMentioning(this.root).filter((p) => !p.cmdline.some((a) => a.endsWith('robocurse.js'))).map((p) => `${p.pid} ${p.cmdline.join(' ')}`);
  }

  /**
   * The copiers still running once they are all gone or `timeoutMs` passed, whichever is first.
   * (Waiting for no process of the pool at all would wait out the timeout whenever the workers
   * stay up, as they do after a stop, a drain or a run.)
   */
  async copiersGone(timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.copiers().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return this.copiers();
  }

  /** The copier processes of this pool with their state letter from /proc/<pid>/stat (T = stopped). */
  copierStates(): Array<{ pid: number; state: string }> {
    return processesMentioning(this.root).filter((p) => !p.cmdline.some((a) => a.endsWith('robocurse.js'))).map((p) => {
      let state = '?';
      try { state = fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8').replace(/^.*\) /s, '').charAt(0); } catch { /* exited */ }
      return { pid: p.pid, state };
    });
  }

  /** The chunk rows of the newest session (or of `sessionId`), read from the state database. */
  chunks(sessionId?: string): ChunkRecord[] {
    const db = new Database(path.join(this.stateDir, 'robocurse.db'), { readonly: true, fileMustExist: true });
    try {
      const pr = db.prepare(sessionId ? 'SELECT id FROM profile_runs WHERE session_id = ? ORDER BY id DESC LIMIT 1' : 'SELECT id FROM profile_runs ORDER BY id DESC LIMIT 1')
        .get(...(sessionId ? [sessionId] : [])) as { id: number } | undefined;
      if (!pr) return [];
      const rows = db.prepare('SELECT chunk_id AS chunkId, status, attempts, carried_from AS carriedFrom FROM chunks WHERE profile_run_id = ? ORDER BY chunk_id').all(pr.id) as ChunkRecord[];
      const att = db.prepare('SELECT attempt, killed, severity FROM chunk_attempts WHERE profile_run_id = ? AND chunk_id = ? ORDER BY attempt');
      return rows.map((r) => ({ ...r, attemptRows: att.all(pr.id, r.chunkId) as ChunkRecord['attemptRows'] }));
    } finally {
      db.close();
    }
  }

  /**
   * Every chunk of the run recorded once, done, by exactly one attempt that finished (killed
   * attempts of a stop or of a cancelled leftover may precede it) or carried over as done from
   * the session it resumes, and as many chunks as `expected`.
   */
  expectEveryChunkOnce(expected: number, sessionId?: string): ChunkRecord[] {
    const rows = this.chunks(sessionId);
    const ctx = JSON.stringify(rows, null, 1);
    expect(rows.length, ctx).to.equal(expected);
    expect(new Set(rows.map((r) => r.chunkId)).size, ctx).to.equal(expected);
    for (const r of rows) {
      // A resume records a chunk an earlier session completed as Skipped, carried from that session.
      expect(r.status, ctx).to.match(r.carriedFrom === null ? /^Complete/ : /^(Complete|Skipped)/);
      const finished = r.attemptRows.filter((a) => a.killed === 0 && (a.severity === 'Success' || a.severity === 'Warning'));
      // A chunk a resumed run carried over as done was copied by the earlier session, not again.
      expect(finished.length, `chunk ${r.chunkId}: ${ctx}`).to.equal(r.carriedFrom === null ? 1 : 0);
    }
    return rows;
  }

  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** Polls `cond` every 100 ms until it is true; throws `what` after `limitMs` (a generous bound, not a timing claim). */
export async function until(what: string, cond: () => boolean | Promise<boolean>, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** n directories of three files of `size` bytes (distinct contents), plus one file at the root. */
export function scaleTree(dirs: number, size: number): TreeSpec {
  const spec: TreeSpec = { 'top.txt': 'root file\n' };
  for (let d = 0; d < dirs; d++) spec[`dir-${d}`] = { 'a.bin': size + d, 'b.bin': size + d + 1, 'c.bin': size + d + 2 };
  return spec;
}
