import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compiledRoot, packageRoot } from '../../../src/paths';
import { StateStore } from '../../../src/state';
import { runCliLikeCron, runCliOnPty, type CronResult } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { startCli } from '../../helpers/run-cli';
import { expectRunEnded, jsonSummary } from '../../helpers/run-evidence';
import { sessionEvents, waitFor, waitForRunEvent, writeRunConfig } from './lifecycle-kit';

/** The README's table, written out (test/unit/cli/exit-codes.spec.ts keeps it in step with the code). */
const README_CODES = [0, 1, 2, 3, 4];

/**
 * Every exit code of the table reached for real, by the CLI as a child process the way cron runs
 * it (and with --json): 0 done, 1 chunks failed, 2 bad command line or config, 3 stopped (SIGTERM,
 * `robocurse stop`, Ctrl-C), 4 could not go on (lock held, unusable state, internal error). Each
 * code seen is one of the README's.
 */
describe('exit codes, each reached by the real CLI', function () {
  this.timeout(180_000);
  let dir: string;
  const seen = new Set<number>();
  let first: ReturnType<typeof startCli> | undefined;
  beforeEach(() => {
    dir = tempDir('robocurse-exit-');
    makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'a' }, b: { 'g.txt': 'b' } });
  });
  afterEach(async () => {
    if (first && first.child.exitCode === null && first.child.signalCode === null) { first.child.kill('SIGKILL'); await first.result; }
    first = undefined;
    removeTemp(dir);
  });
  after(() => {
    expect([...seen].sort()).to.deep.equal(README_CODES);
  });

  const stateDir = (): string => path.join(dir, 'out', 'state');
  const note = (r: { code: number | null }): void => { if (r.code !== null) seen.add(r.code); };
  /** A run whose chunks take a minute each (simulated engine), so it can be stopped or locked. */
  const longRun = (): string => writeRunConfig(dir, { p: { source: 'src', destination: 'dst', engine: 'simulated', chunking: { maxChunkFiles: 1 },
    engineOptions: { simulated: { script: { '*': { durationMs: 60_000 } } } } } });

  for (const json of [false, true]) {
    const flags = json ? ['--json'] : [];
    const mode = json ? ' (--json)' : '';

    it(`0: every chunk copied${mode}`, async () => {
      const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'dst' } });
      const r = await runCliLikeCron(['run', '-c', cfg, '--all', ...flags]);
      note(r);
      expectRunEnded(r, stateDir(), 0, json);
      expect(fs.readFileSync(path.join(dir, 'dst', 'a', 'f.txt'), 'utf8')).to.equal('a');
    });

    it(`1: a chunk failed after all its attempts${mode}`, async () => {
      const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'dst', engine: 'simulated', chunking: { maxChunkFiles: 1 },
        retry: { backoffSeconds: 0 }, engineOptions: { simulated: { script: { a: { exitCodes: [8] } } } } } });
      const r = await runCliLikeCron(['run', '-c', cfg, '--all', ...flags]);
      note(r);
      expectRunEnded(r, stateDir(), 1, json);
    });

    it(`2: a bad flag, a bad config, no profile named${mode}`, async () => {
      const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'dst' } });
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(bad, JSON.stringify({ version: 1, profiles: { p: { source: 'src', destination: 'dst', chunking: { maxChunkBytes: 'lots' } } } }));
      for (const argv of [['run', '-c', cfg, '--all', '--bogus'], ['run', '-c', bad, '--all'], ['run', '-c', cfg], ['validate', '-c', bad]]) {
        const r: CronResult = await runCliLikeCron([...argv, ...flags]);
        note(r);
        expect(r.code, `${argv.join(' ')}: ${r.stderr}`).to.equal(2);
        expect(r.summary).to.equal(undefined);
      }
      expect(fs.existsSync(path.join(dir, 'dst'))).to.equal(false);
    });

    it(`3: SIGTERM stops the run, with summary and SessionEnd${mode}`, async () => {
      const cfg = longRun();
      first = startCli(['run', '-c', cfg, '--all', ...flags]);
      await waitForRunEvent(first, stateDir(), 'ChunkStart');
      first.child.kill('SIGTERM');
      const r = await first.result;
      note(r);
      expectRunEnded({ ...r, summary: json ? jsonSummary(r.stdout) : undefined }, stateDir(), 3, json);
    });

    it(`3: \`robocurse stop\` from another process${mode}`, async () => {
      const cfg = longRun();
      first = startCli(['run', '-c', cfg, '--all', ...flags]);
      await waitForRunEvent(first, stateDir(), 'ChunkStart');
      const stop = await runCliLikeCron(['stop', '-c', cfg, '-p', 'p', '--wait', '30']);
      expect(stop.code, stop.stderr).to.equal(0);
      const r = await first.result;
      note(r);
      expectRunEnded({ ...r, summary: json ? jsonSummary(r.stdout) : undefined }, stateDir(), 3, json);
    });

    it(`4: the profile is locked by a running session${mode}`, async () => {
      const cfg = longRun();
      first = startCli(['run', '-c', cfg, '--all']);
      await waitForRunEvent(first, stateDir(), 'ChunkStart');
      const r = await runCliLikeCron(['run', '-c', cfg, '--all', ...flags]);
      note(r);
      expect(r.code, r.stderr).to.equal(4);
      expect(r.stderr).to.match(/profile "p" is already running: locked by pid \d+/);
      expect(r.stderr).to.not.match(/^\s+at /m);
      if (json) expect(r.lines.find((l) => l.type === 'error')).to.include({ exitCode: 4 });
      first.child.kill('SIGTERM');
      expect((await first.result).code).to.equal(3);
    });

    it(`4: the state database is unusable (not a database)${mode}`, async () => {
      fs.mkdirSync(stateDir(), { recursive: true });
      fs.writeFileSync(path.join(stateDir(), 'robocurse.db'), 'this is not an SQLite file, but it is in the way'.repeat(100));
      const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'dst' } });
      const r = await runCliLikeCron(['run', '-c', cfg, '--all', ...flags]);
      note(r);
      expect(r.code, r.stderr).to.equal(4);
      expect(r.stderr).to.contain(path.join(stateDir(), 'robocurse.db'));
      expect(r.stderr).to.not.match(/^\s+at /m);
      expect(fs.existsSync(path.join(dir, 'dst'))).to.equal(false);
    });
  }

  it('3 on a terminal (pty): Ctrl-C drains, the summary says Stopped', async () => {
    const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'dst', engine: 'simulated', chunking: { maxChunkFiles: 1 },
      engineOptions: { simulated: { script: { '*': { durationMs: 1500 } } } } } }, { maxConcurrentJobs: 1 });
    // The SIGINT a terminal sends on Ctrl-C, sent to robocurse once its first chunk runs.
    const pty = runCliOnPty(['run', '-c', cfg, '--all'], { timeoutMs: 120_000 });
    expect(await waitFor(() => sessionEvents(stateDir()).some((e) => e.type === 'ChunkStart'), 60_000)).to.equal(true);
    const pid = sessionPid(stateDir());
    process.kill(pid, 'SIGINT');
    const r = await pty;
    note(r);
    expectRunEnded({ code: r.code, stdout: r.output, stderr: '' }, stateDir(), 3, false);
    expect(r.output).to.contain('draining');
  });

  it('4: the launcher turns a command that never settles (the loop ran dry) into a loud internal error', () => {
    const launch = path.join(compiledRoot(), 'src', 'cli', 'launch.js');
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(launch)}).launch(() => new Promise(() => {}), [])`], { encoding: 'utf8', cwd: packageRoot() });
    note({ code: r.status });
    expect(r.status).to.equal(4);
    expect(r.stderr).to.contain('robocurse: internal error: the command ended without finishing');
  });

  it('a SIGTERM or Ctrl-C after the command returned, while the process winds down, exits with the command\'s code, not by the signal', () => {
    const launch = path.join(compiledRoot(), 'src', 'cli', 'launch.js');
    for (const [sig, code] of [['SIGTERM', 0], ['SIGINT', 1], ['SIGTERM', 3]] as const) {
      // main() returns at once; a timer (like threads still ending) keeps the process up 30 s; the signal comes 50 ms later.
      const main = `async () => { setTimeout(() => process.kill(process.pid, '${sig}'), 50); setTimeout(() => undefined, 30_000); return ${code}; }`;
      const t0 = Date.now();
      const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(launch)}).launch(${main}, [])`], { encoding: 'utf8', cwd: packageRoot(), timeout: 20_000 });
      expect([r.status, r.signal], `${sig} after main() returned ${code}: ${r.stderr}`).to.deep.equal([code, null]);
      expect(Date.now() - t0).to.be.below(10_000);
      expect(r.stderr).to.equal('');
    }
  });

  it('4: the launcher turns an uncaught exception outside a run into exit 4, not Node\'s 1', () => {
    const launch = path.join(compiledRoot(), 'src', 'cli', 'launch.js');
    const main = 'async () => { setTimeout(() => { throw new Error("boom") }, 5); await new Promise((r) => setTimeout(r, 60_000)); return 0; }';
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(launch)}).launch(${main}, [])`], { encoding: 'utf8', cwd: packageRoot() });
    note({ code: r.status });
    expect(r.status).to.equal(4);
    expect(r.stderr).to.contain('robocurse: internal error: Error: boom');
  });
});

/** The pid of the newest session's process, from the runs table. */
function sessionPid(stateDir: string): number {
  const store = StateStore.open(stateDir);
  try { return store.history(1)[0].run.pid; } finally { store.close(); }
}
