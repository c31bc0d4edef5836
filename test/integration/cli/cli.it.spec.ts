import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';
import { diffTrees, makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { runCli, startCli } from '../../helpers/run-cli';

function writeConfig(dir: string, profiles: Record<string, unknown>, global: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'robocurse.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, global: { logDir: 'logs', stateDir: 'state', ...global }, profiles }, null, 2));
  return file;
}

describe('CLI as a real child process', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => removeTemp(dir));

  it('--help lists the commands and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).to.equal(0);
    for (const c of ['validate', 'plan', 'run', 'status', 'history', 'retry-failed']) expect(r.stdout).to.contain(`robocurse ${c}`);
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).to.equal(0);
    expect(r.stdout.trim()).to.equal(JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version);
  });

  it('an unknown command or flag is a usage error (exit 2)', async () => {
    const a = await runCli(['frobnicate']);
    expect(a.code).to.equal(2);
    expect(a.stderr).to.contain('frobnicate');
    const b = await runCli(['validate', '--bogus-flag']);
    expect(b.code).to.equal(2);
    expect(b.stderr).to.contain('bogus-flag');
  });

  it('validate: the bundled configs are valid (exit 0)', async () => {
    for (const cfg of ['config/demo.json', 'config/robocurse.example.json']) {
      const r = await runCli(['validate', '--config', cfg]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('config OK');
    }
  });

  it('validate: a bad file exits 2 naming each offending key', async () => {
    makeTree(dir, { src: { 'a.txt': 'a' } });
    const file = writeConfig(dir, { docs: { source: 'src', destination: 'src/inner', chunking: { maxChunkBytes: '12 parsecs' } } }, { maxConcurrentJobs: -1 });
    const r = await runCli(['validate', '--config', file]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('global.maxConcurrentJobs:').and.to.contain('profiles.docs.chunking.maxChunkBytes:');
    const fixed = writeConfig(dir, { docs: { source: 'src', destination: 'src/inner' } });
    const r2 = await runCli(['validate', '--config', fixed]);
    expect(r2.code).to.equal(2);
    expect(r2.stderr).to.match(/profiles\.docs\.destination: .*inside the source/);
  });

  it('run refuses without --profile or --all (exit 2) and writes nothing', async () => {
    makeTree(dir, { src: { 'a.txt': 'a' } });
    const file = writeConfig(dir, { docs: { source: 'src', destination: 'dst' } });
    const r = await runCli(['run', '--config', file]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('--profile NAME');
    expect(fs.existsSync(path.join(dir, 'dst'))).to.equal(false);
  });

  it('run with the default engine replicates a tree byte for byte; a re-run copies nothing; mirror removes extras', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    makeTree(dir, {
      src: {
        'zero.bin': '', 'big file.bin': big, 'naïve café.txt': 'unicode',
        nested: { deeper: { deepest: { 'leaf.txt': 'leaf' } }, 'x y z': { 'a b.txt': 'spaces' } },
        'empty dir': {}, '日本語': { 'ファイル.txt': 'ja' },
      },
    });
    const file = writeConfig(dir, { docs: { source: 'src', destination: 'dst', mirror: true, chunking: { maxChunkFiles: 2 } } });
    const first = await runCli(['run', '--config', file, '--all', '--json']);
    expect(first.code, first.stderr).to.equal(0);
    expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
    const summary1 = JSON.parse(first.stdout.trim().split('\n').pop()!);
    expect(summary1.type).to.equal('summary');
    expect(summary1.profiles[0].filesCopied).to.equal(6);

    const second = await runCli(['run', '--config', file, '--all', '--json']);
    expect(second.code, second.stderr).to.equal(0);
    expect(JSON.parse(second.stdout.trim().split('\n').pop()!).profiles[0].filesCopied).to.equal(0);

    fs.writeFileSync(path.join(dir, 'dst', 'nested', 'extra.txt'), 'not in source');
    fs.mkdirSync(path.join(dir, 'dst', 'stale-dir'));
    const third = await runCli(['run', '--config', file, '--all']);
    expect(third.code, third.stderr).to.equal(0);
    expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
  });

  it('--dry-run lists what would be copied and removed, and writes nothing', async () => {
    makeTree(dir, { src: { a: { 'f.txt': 'x' }, b: { 'g.txt': 'y' } }, dst: { stale: { 'old.txt': 'o' } } });
    const file = writeConfig(dir, { docs: { source: 'src', destination: 'dst', mirror: true, chunking: { maxChunkFiles: 1 } } });
    const r = await runCli(['run', '--config', file, '--all', '--dry-run', '--log-level', 'info']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('dry run').and.to.contain('would copy 2 files').and.to.contain('would remove 1 extras');
    expect(r.stderr).to.contain(`would copy ${path.join(dir, 'src', 'a', 'f.txt')}`);
    expect(fs.readdirSync(path.join(dir, 'dst'))).to.deep.equal(['stale']);
    // A dry run never counts as done: the real run that follows copies everything.
    const real = await runCli(['run', '--config', file, '--all', '--json']);
    expect(JSON.parse(real.stdout.trim().split('\n').pop()!).profiles[0].filesCopied).to.equal(2);
    expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
  });

  it('retry-failed runs only the chunks that failed in the last run', async () => {
    makeTree(dir, { src: { a: { 'f.txt': 'x' }, b: { 'g.txt': 'y' }, c: { 'h.txt': 'z' } } });
    const profile = { source: 'src', destination: 'dst', engine: 'simulated', chunking: { maxChunkFiles: 1 }, retry: { backoffSeconds: 0 } };
    const failing = writeConfig(dir, { docs: { ...profile, engineOptions: { simulated: { script: { b: { exitCodes: [8] } } } } } });
    const first = await runCli(['run', '--config', failing, '--all', '--json']);
    expect(first.code).to.equal(1);
    const healed = writeConfig(dir, { docs: profile });
    const retry = await runCli(['retry-failed', '--config', healed, '--profile', 'docs', '--json']);
    expect(retry.code, retry.stderr).to.equal(0);
    const summary = JSON.parse(retry.stdout.trim().split('\n').pop()!);
    expect(summary.profiles[0].chunksTotal).to.equal(1);
    expect(summary.profiles[0].chunksOk).to.equal(1);
    const again = await runCli(['retry-failed', '--config', healed, '--profile', 'docs']);
    expect(again.code).to.equal(0);
    expect(again.stdout).to.contain('nothing to do');
    const status = await runCli(['status', '--config', healed, '--json']);
    expect(status.code).to.equal(0);
    expect(status.stdout).to.contain(summary.sessionId);
    const history = await runCli(['history', '--config', healed]);
    expect(history.stdout.match(/session \d{8}-/g)?.length).to.equal(2);
  });

  it('the robocopy engine through the fake robocopy replicates a tree', async () => {
    makeTree(dir, { src: { a: { 'f.txt': 'x', deep: { 'g.bin': 70_000 } }, 'top.txt': 't' } });
    const fake = path.join(packageRoot(), 'test', 'fixtures', 'fake-robocopy', 'robocopy');
    const file = writeConfig(dir, { docs: { source: 'src', destination: 'dst', engine: 'robocopy', mirror: true, chunking: { maxChunkFiles: 1 },
      engineOptions: { robocopy: { executable: fake, switches: ['/COPY:DAT'] } } } });
    const r = await runCli(['run', '--config', file, '--all']);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'), { mode: false })).to.deep.equal([]);
    expect(fs.readdirSync(path.join(dir, 'logs')).some((f) => fs.statSync(path.join(dir, 'logs', f)).isDirectory())).to.equal(true);
  });

  it('a run whose terminal goes away (closed pipes) still finishes its copy and exits 0', async () => {
    makeTree(dir, { src: { a: { 'f.txt': 'x'.repeat(5000) }, b: { 'g.txt': 'y' } } });
    const file = writeConfig(dir, { docs: { source: 'src', destination: 'dst', chunking: { maxChunkFiles: 1 } } });
    const p = startCli(['run', '--config', file, '--all', '--log-level', 'debug']);
    p.child.stdout!.destroy();
    p.child.stderr!.destroy();
    const r = await p.result;
    expect(r.code).to.equal(0);
    expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
  });

  it('exit 1 when a chunk fails for good (simulated engine scripted to fail)', async () => {
    makeTree(dir, { src: { a: { 'f.txt': 'x' }, b: { 'g.txt': 'y' } } });
    const file = writeConfig(dir, { docs: { source: 'src', destination: 'dst', engine: 'simulated', chunking: { maxChunkFiles: 1 },
      retry: { backoffSeconds: 0 }, engineOptions: { simulated: { script: { a: { exitCodes: [8] } } } } } });
    const r = await runCli(['run', '--config', file, '--all']);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).to.contain('FAILED').and.to.contain(path.join(dir, 'src', 'a'));
  });

  it('Ctrl-C drains (exit 3); a second run of the same profile while one runs is refused (exit 4)', async () => {
    // Twenty chunks of three seconds, one at a time: the first run is still running (a minute)
    // when the second starts, however long a busy machine takes to start it; a drain takes at
    // most one chunk.
    const src: Record<string, { [name: string]: string }> = {};
    for (let i = 0; i < 20; i++) src[`d${i}`] = { 'f.txt': `${i}` };
    makeTree(dir, { src });
    const file = writeConfig(dir, { docs: { source: 'src', destination: 'dst', engine: 'simulated', chunking: { maxChunkFiles: 1 },
      engineOptions: { simulated: { script: { '*': { durationMs: 3000 } } } } } }, { maxConcurrentJobs: 1 });
    const first = startCli(['run', '--config', file, '--all']);
    // Wait until the first run holds the lock and has started a job.
    const started = Date.now();
    while (!/active 1/.test(first.stderrSoFar()) && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 100));
    expect(first.stderrSoFar()).to.match(/active 1/);
    const second = await runCli(['run', '--config', file, '--all']);
    expect(second.code).to.equal(4);
    expect(second.stderr).to.contain('docs').and.to.match(/lock|running/i);
    first.child.kill('SIGINT');
    const r = await first.result;
    expect(r.code, r.stderr).to.equal(3);
    expect(r.stderr).to.contain('draining');
    expect(r.stdout).to.contain('Stopped');
  });
});
