import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCliLikeCron, runCliOnPty } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { startCli } from '../../helpers/run-cli';
import { testEnv, waitFor, writeConfig } from './figures-kit';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * `status` from a second terminal in another directory while a real run goes on: the state
 * database is found through the user's last-used record, and the live figures (bytes, files,
 * rate over the last minute, ETA, running chunks, Paused/Suspended) come from the run's
 * published status. Also drain outcomes and the duration of an interrupted session.
 */
describe('figures: status from anywhere, live figures, drain, interrupted history (CLI)', function () {
  this.timeout(240_000);
  let dir: string;
  let elsewhere: string;
  beforeEach(() => {
    dir = tempDir('robocurse-live-');
    elsewhere = path.join(dir, 'some', 'other', 'cwd');
    fs.mkdirSync(elsewhere, { recursive: true });
    makeTree(path.join(dir, 'src'), { a: { 'f.bin': 100_000 }, b: { 'g.bin': 100_000 }, c: { 'h.bin': 100_000 } });
  });
  afterEach(() => removeTemp(dir));

  /** A run of 3 simulated chunks of `ms` each; the simulated engine moves its bytes evenly over that time. */
  function config(ms: number, maxConcurrentJobs: number): string {
    return writeConfig(dir, {
      docs: { source: 'src', destination: 'dst', engine: 'simulated', chunking: { maxChunkFiles: 1 }, engineOptions: { simulated: { script: { '*': { durationMs: ms } } } } },
    }, { maxConcurrentJobs });
  }
  const status = async (): Promise<Json> => {
    // Until the run has recorded itself as the last one, `status` would read the bundled example's
    // state (in the package folder): wait for the record instead of polluting that.
    await waitFor('the run to record its state folder', () => fs.existsSync(path.join(dir, 'xdg', 'robocurse', 'last-state.json')));
    const r = await runCliLikeCron(['status', '--json'], { cwd: elsewhere, env: testEnv(dir) });
    expect(r.code, r.stderr).to.equal(0);
    return JSON.parse(r.stdout) as Json;
  };

  it('shows live bytes, files, rate, ETA, running chunks and Paused/Suspended from another directory; --watch follows to the end', async () => {
    const file = config(12_000, 2);
    const run = startCli(['run', '--config', file, '--all', '--json'], { cwd: dir, env: testEnv(dir) });
    try {
      const live = await waitFor('live figures with a rate and an ETA', async () => {
        const s = await status();
        const l = s.session?.live;
        return s.session?.state === 'running' && l && l.bytesComplete > 0 && l.minuteBytesPerSecond > 0 && l.etaSeconds !== undefined ? s : undefined;
      });
      expect(live.session.configPath).to.equal(file);
      const l = live.session.live as Json;
      expect(l).to.include({ phase: 'Replicating', currentProfile: 'docs', filesTotal: 3, bytesTotal: 300_000, chunksTotal: 3 });
      expect(l.eta.basis).to.equal('recent rate');
      expect(l.active.length).to.be.within(1, 2);
      expect(l.active[0].bytesCopied).to.be.at.least(0);
      const text = await runCliLikeCron(['status'], { cwd: elsewhere, env: testEnv(dir) });
      expect(text.stdout).to.match(/phase: +Replicating profile docs \(1 of 1\)/);
      expect(text.stdout).to.match(/done: +[\d.]+ (B|KiB) of 293 KiB \(\d+\.\d%\), \d of 3 files/);
      expect(text.stdout).to.match(/rate: +[\d.]+ (B|KiB)\/s over the last minute; ETA \d/);
      expect(text.stdout).to.match(/running: [abc] /);
      expect(text.stderr).to.contain('using the state folder of your last run');

      expect((await runCliLikeCron(['pause', '--session', live.session.sessionId], { cwd: elsewhere, env: testEnv(dir) })).code).to.equal(0);
      await waitFor('Paused in status', async () => (await status()).session.live?.phase === 'Paused');
      expect((await runCliLikeCron(['suspend', '--session', live.session.sessionId], { cwd: elsewhere, env: testEnv(dir) })).code).to.equal(0);
      await waitFor('Suspended in status', async () => (await status()).session.live?.phase === 'Suspended');
      const frozen = await runCliLikeCron(['status'], { cwd: elsewhere, env: testEnv(dir) });
      expect(frozen.stdout).to.contain('ETA none while suspended');
      expect((await runCliLikeCron(['resume', '--session', live.session.sessionId], { cwd: elsewhere, env: testEnv(dir) })).code).to.equal(0);

      const watch = await runCliLikeCron(['status', '--watch', '--json', '--interval', '0.5'], { cwd: elsewhere, env: testEnv(dir) });
      expect(watch.code, watch.stderr).to.equal(0);
      const frames = watch.stdout.trim().split('\n').map((x) => JSON.parse(x) as Json);
      expect(frames.length).to.be.greaterThan(1);
      expect(frames[0].session.state).to.equal('running');
      expect(frames[frames.length - 1].session).to.include({ state: 'ended', outcome: 'Success', exitCode: 0 });
      expect((await run.result).code).to.equal(0);
    } finally {
      run.child.kill('SIGKILL');
      await run.result;
    }
  });

  it('status --watch on a terminal redraws in place', async () => {
    const file = config(3_000, 3);
    const run = startCli(['run', '--config', file, '--all'], { cwd: dir, env: testEnv(dir) });
    try {
      await waitFor('the run to start', async () => (await status()).session?.state === 'running');
      const pty = await runCliOnPty(['status', '--watch', '--interval', '0.5'], { cwd: elsewhere, env: testEnv(dir), timeoutMs: 120_000 });
      expect(pty.code).to.equal(0);
      expect(pty.output.split('\x1b[H\x1b[2J').length).to.be.greaterThan(2);
      expect(pty.output).to.match(/ended: Success \(exit 0\)/);
    } finally {
      await run.result;
    }
  });

  it('a drain while every remaining chunk is running ends as Success (exit 0); with chunks still queued it is Stopped (exit 3)', async () => {
    const file = config(6_000, 3);
    const all = startCli(['run', '--config', file, '--all', '--json'], { cwd: dir, env: testEnv(dir) });
    await waitFor('3 running chunks', async () => ((await status()).session?.live?.activeCount === 3));
    expect((await runCliLikeCron(['drain', '--profile', 'docs', '--config', file], { cwd: dir, env: testEnv(dir) })).stdout).to.contain('applied');
    const r = await all.result;
    expect(r.code, r.stderr).to.equal(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as Json;
    expect(summary).to.include({ type: 'summary', outcome: 'Success', exitCode: 0 });
    expect(summary.profiles[0]).to.include({ result: 'Success', chunksOk: 3 });

    const one = startCli(['run', '--config', config(6_000, 1), '--all', '--json', '--no-resume'], { cwd: dir, env: testEnv(dir) });
    await waitFor('1 running chunk', async () => { const l = (await status()).session?.live; return l?.activeCount === 1 && l.queuedCount === 2; });
    await runCliLikeCron(['drain', '--profile', 'docs', '--config', file], { cwd: dir, env: testEnv(dir) });
    const stopped = await one.result;
    expect(stopped.code, stopped.stderr).to.equal(3);
    expect(JSON.parse(stopped.stdout.trim().split('\n').pop()!)).to.include({ outcome: 'Stopped', exitCode: 3 });
  });

  it('history measures an interrupted session to its last record, not to now', async () => {
    const file = config(60_000, 1);
    const run = startCli(['run', '--config', file, '--all'], { cwd: dir, env: testEnv(dir) });
    await waitFor('a running chunk', async () => ((await status()).session?.live?.activeCount === 1));
    run.child.kill('SIGKILL');
    await run.result;
    const killedAt = Date.now();
    await new Promise((r) => setTimeout(r, 3000));
    const h = await runCliLikeCron(['history', '--json'], { cwd: elsewhere, env: testEnv(dir) });
    const entry = (JSON.parse(h.stdout) as Json).runs[0] as Json;
    expect(entry.state).to.equal('interrupted');
    expect(entry.lastRecordAt).to.be.a('string');
    // It lasted until its last record, which is before the kill: never "until now".
    expect(Date.parse(entry.startedAt) + entry.durationMs).to.be.at.most(killedAt);
    expect(entry.durationMs).to.be.greaterThan(0);
    const text = await runCliLikeCron(['history'], { cwd: elsewhere, env: testEnv(dir) });
    const shown = /INTERRUPTED +(\S+)/.exec(text.stdout)![1];
    expect(shown).to.not.equal('-');
    const st = await runCliLikeCron(['status'], { cwd: elsewhere, env: testEnv(dir) });
    expect(st.stdout).to.match(/INTERRUPTED/).and.to.match(/lasted \S+s/);
  });
});
