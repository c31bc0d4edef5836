import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { packageRoot } from '../../../src/paths';
import { runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { runCli, startCli } from '../../helpers/run-cli';

function writeConfig(dir: string, simulated: Record<string, unknown>, retry: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'robocurse.json');
  fs.writeFileSync(file, JSON.stringify({
    version: 1, global: { logDir: 'logs', stateDir: 'state', healthIntervalSeconds: 1 },
    profiles: { docs: { source: 'src', destination: 'dst', engine: 'simulated', chunking: { maxChunkFiles: 1 }, engineOptions: { simulated: { script: { '*': simulated } } }, retry } },
  }, null, 2));
  return file;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, limitMs = 60_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

type Metric = { name: string; type: string; metrics: Array<{ value: string; labels?: Record<string, string> }> };
const metric = (all: Metric[], name: string, labels: Record<string, string> = {}): number | undefined => {
  const m = all.find((x) => x.name === name)?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
  return m ? Number(m.value) : undefined;
};

describe('health file, status --check and --metrics-file (real CLI, like cron)', function () {
  this.timeout(180_000);
  let dir: string;
  let child: ChildProcess | undefined;
  beforeEach(() => {
    dir = tempDir('robocurse-health-');
    makeTree(dir, { src: { a: { 'x.bin': 2000 }, b: { 'y.bin': 3000 } } });
  });
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) { child.kill('SIGCONT'); child.kill('SIGKILL'); }
    child = undefined;
    removeTemp(dir);
  });

  const check = (cfg: string, ...more: string[]) => runCliLikeCron(['status', '--check', '--config', cfg, ...more], { cwd: dir });

  it('no run yet: stale (5); a successful run: healthy (0), stale past --max-age (5); a failed run: failed (1)', async () => {
    const cfg = writeConfig(dir, {});
    const none = await check(cfg, '--profile', 'docs');
    expect([none.code, none.stdout.trim()]).to.deep.equal([5, 'ROBOCURSE STALE - no run of profile docs is recorded']);
    expect((await runCliLikeCron(['run', '--config', cfg, '--all'], { cwd: dir })).code).to.equal(0);
    const ok = await check(cfg, '--profile', 'docs', '--json');
    expect(ok.code).to.equal(0);
    expect(ok.lines[0]).to.include({ type: 'check', state: 'healthy', exitCode: 0 });
    expect(ok.lines[0].reason).to.match(/^last run \S+ ended Success/);
    await until('the run to be 2 s old', () => (Date.now() - fs.statSync(path.join(dir, 'state', 'robocurse.db')).mtimeMs > 2500 ? true : undefined));
    const old = await check(cfg, '--profile', 'docs', '--max-age', '1s');
    expect(old.code).to.equal(5);
    expect(old.stdout).to.match(/^ROBOCURSE STALE - last successful run \S+ ended .* ago, longer than --max-age/);
    expect((await check(cfg, '--profile', 'docs', '--max-age', '26h')).code).to.equal(0);
    // The finished run's health file says how it ended; it is private.
    const healthDir = path.join(dir, 'state', 'health');
    const [file] = fs.readdirSync(healthDir);
    expect(fs.statSync(path.join(healthDir, file)).mode & 0o777).to.equal(0o600);
    expect(JSON.parse(fs.readFileSync(path.join(healthDir, file), 'utf8'))).to.include({ format: 'robocurse.health/1', state: 'ended', outcome: 'Success', exitCode: 0 });

    const failing = writeConfig(dir, { exitCodes: [16] }, { maxAttempts: 1 });
    expect((await runCliLikeCron(['run', '--config', failing, '--all'], { cwd: dir })).code).to.equal(1);
    const failed = await check(failing, '--profile', 'docs');
    expect(failed.code).to.equal(1);
    expect(failed.stdout).to.match(/^ROBOCURSE FAILED - last run \S+ ended Failed \(exit 1\)/);
    const bad = await check(failing, '--max-age', 'soon');
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('--max-age');
  });

  it('a running session: healthy while it reports, stale (5) once it hangs, failed (1) once its process is gone; metrics parse', async () => {
    const cfg = writeConfig(dir, { durationMs: 600_000 });
    const metricsFile = path.join(dir, 'metrics.prom');
    const run = startCli(['run', '--config', cfg, '--all', '--json', '--metrics-file', metricsFile], { cwd: dir, env: { TERM: 'dumb' } });
    child = run.child;
    const healthy = await until('a healthy running session', async () => {
      const r = await check(cfg, '--profile', 'docs');
      return r.code === 0 && /running: Replicating docs/.test(r.stdout) ? r : undefined;
    });
    const total = Number(/^ROBOCURSE OK - session \S+ running: Replicating docs \d+\.\d%, 0\/(\d+) chunks, 0 failed$/m.exec(healthy.stdout)?.[1]);
    expect(total, healthy.stdout).to.be.at.least(2);
    // The profile is held by a healthy run: a monitor sees OK, ExecCondition (--idle) sees LOCKED.
    const idle = await check(cfg, '--profile', 'docs', '--idle');
    expect(idle.code).to.equal(6);
    expect(idle.stdout).to.match(/^ROBOCURSE LOCKED - profile docs is locked by pid \d+/);
    // `status` shows what the running session last reported.
    const status = await runCli(['status', '--config', cfg, '--json'], { cwd: dir, env: { TERM: 'dumb' } });
    expect(((JSON.parse(status.stdout) as { session: { health: { state: string; phase: string } } }).session.health)).to.include({ state: 'running', phase: 'Replicating' });

    const text = await until('the metrics file', () => (fs.existsSync(metricsFile) ? fs.readFileSync(metricsFile, 'utf8') : undefined));
    const parsed = parsePrometheusTextFormat(text) as Metric[];
    expect(metric(parsed, 'robocurse_phase', { phase: 'Replicating' })).to.equal(1);
    expect(metric(parsed, 'robocurse_chunks', { state: 'total', profile: 'docs' })).to.equal(total);
    expect(metric(parsed, 'robocurse_chunks', { state: 'active', profile: 'docs' })).to.equal(Math.min(total, 4));
    expect(metric(parsed, 'robocurse_events_total', { type: 'ChunkStart' })).to.equal(Math.min(total, 4));
    expect(parsed.find((m) => m.name === 'robocurse_events_total')!.type).to.equal('COUNTER');
    expect(fs.statSync(metricsFile).mode & 0o777).to.equal(0o640);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);

    // Hung: the process is frozen, so its health file ages.
    child.kill('SIGSTOP');
    const stale = await until('stale', async () => {
      const r = await check(cfg, '--profile', 'docs', '--stale-after', '2');
      return r.code === 5 ? r : undefined;
    });
    expect(stale.stdout).to.match(/^ROBOCURSE STALE - session \S+ \(pid \d+ on .*\) has not reported progress for \d+ s/);
    child.kill('SIGKILL');
    await run.result;
    const gone = await check(cfg, '--profile', 'docs');
    expect(gone.code).to.equal(1);
    expect(gone.stdout).to.match(/^ROBOCURSE FAILED - session \S+ .* was interrupted: its process is gone/);
  });

  it('a run hung in the middle of a commit (the write lock held): status --check still answers STALE at once, status too', async () => {
    const cfg = writeConfig(dir, { durationMs: 600_000 });
    const run = startCli(['run', '--config', cfg, '--all', '--json'], { cwd: dir, env: { TERM: 'dumb' } });
    child = run.child;
    await until('a healthy running session', async () => ((await check(cfg, '--profile', 'docs')).code === 0 ? true : undefined));
    run.child.kill('SIGSTOP');
    const holder = spawn(process.execPath, [path.join(packageRoot(), 'dist', 'test', 'fixtures', 'state', 'write-holder.js'), path.join(dir, 'state')], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.once('data', () => resolve());
        holder.once('exit', (code) => reject(new Error(`the write-lock holder exited (${code}) before holding the lock`)));
      });
      await new Promise((r) => setTimeout(r, 2500));
      // Before the fix every open took the write lock: 15 s of busy timeout, then an error (exit 3).
      const stale = await check(cfg, '--profile', 'docs', '--stale-after', '2');
      expect([stale.code, stale.stderr]).to.deep.equal([5, '']);
      expect(stale.stdout).to.match(/^ROBOCURSE STALE - session \S+ \(pid \d+ on .*\) has not reported progress/);
      const status = await runCliLikeCron(['status', '--config', cfg, '--json'], { cwd: dir });
      expect(status.code, status.stderr).to.equal(0);
    } finally {
      holder.kill('SIGKILL');
      run.child.kill('SIGKILL');
      await run.result;
    }
  });

  it('a lock held by a live process that is no run: locked (6), also with --idle', async () => {
    const cfg = writeConfig(dir, {});
    expect((await runCliLikeCron(['run', '--config', cfg, '--all'], { cwd: dir })).code).to.equal(0);
    const holder = spawn(process.execPath, [path.join(packageRoot(), 'dist', 'test', 'fixtures', 'state', 'lock-holder.js'), path.join(dir, 'state'), 'docs'], { stdio: ['ignore', 'pipe', 'inherit'] });
    child = holder;
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    const locked = await check(cfg, '--profile', 'docs');
    expect(locked.code).to.equal(6);
    expect(locked.stdout).to.match(/^ROBOCURSE LOCKED - profile docs is locked by pid \d+ .*with no run in progress/);
    expect((await check(cfg, '--profile', 'docs', '--idle')).code).to.equal(6);
    holder.kill('SIGTERM');
    await new Promise((r) => holder.once('exit', r));
    expect((await check(cfg, '--profile', 'docs', '--idle')).code).to.equal(0);
    expect((await check(cfg, '--profile', 'docs')).code).to.equal(0);
  });

  it('--metrics-file in a folder that does not exist, or that others can write: exit 2 naming the flag, nothing run', async () => {
    const cfg = writeConfig(dir, {});
    const missing = await runCliLikeCron(['run', '--config', cfg, '--all', '--metrics-file', path.join(dir, 'nope', 'm.prom')], { cwd: dir });
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain('--metrics-file').and.not.match(/\n\s+at /);
    fs.mkdirSync(path.join(dir, 'open'), { mode: 0o777 });
    fs.chmodSync(path.join(dir, 'open'), 0o777);
    const open = await runCliLikeCron(['run', '--config', cfg, '--all', '--metrics-file', path.join(dir, 'open', 'm.prom')], { cwd: dir });
    expect(open.code).to.equal(2);
    expect(open.stderr).to.contain('--metrics-file');
    expect(fs.existsSync(path.join(dir, 'state'))).to.equal(false);
  });
});
