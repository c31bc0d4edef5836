import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';
import { hashTree, runCliLikeCron, runCliOnPty, rsyncDifferences } from '../../helpers/cli-child';
import { makeTree, tempDir } from '../../helpers/make-tree';
import { expectRunEnded, jsonSummary, lastRunEvidence } from '../../helpers/run-evidence';
import { startCli } from '../../helpers/run-cli';
import { mountTmpfs, QUICK_RETRY, removeDeepTree, sessionEvents, waitFor, writeRunConfig } from './lifecycle-kit';

/**
 * A run never ends by the event loop running dry. Each trigger below leaves, at some moment, no
 * job running and only chunks waiting out a retry backoff (or a pause): the old code exited 0
 * right there, with no summary, no SessionEnd, no outcome and the profile lock left behind.
 * Every case runs the real CLI as cron runs it (pipes, no terminal), with --json, and one on a pty.
 */
describe('a run never ends with work pending (CLI as a child process)', function () {
  this.timeout(180_000);
  let dir: string;
  const undo: (() => void | Promise<unknown>)[] = [];
  beforeEach(() => { dir = tempDir('robocurse-pending-'); });
  afterEach(async () => {
    for (const u of undo.splice(0).reverse()) await u();
    removeDeepTree(dir);
  });

  const modes = [{ json: false, name: 'like cron' }, { json: true, name: 'like cron, --json' }];

  for (const mode of modes) {
    const flags = mode.json ? ['--json'] : [];

    it(`one file the user cannot read: exit 1 after the retries, with summary and SessionEnd (${mode.name})`, async () => {
      // Run as nobody: root reads everything. Source owned by root, one file 0600; the rest is nobody's.
      makeTree(path.join(dir, 'src'), { a: { 'ok.txt': 'readable' }, b: { 'secret.txt': 'root only' }, c: { 'also.txt': 'fine' } });
      fs.chmodSync(path.join(dir, 'src', 'b', 'secret.txt'), 0o600);
      fs.chmodSync(dir, 0o755);
      fs.mkdirSync(path.join(dir, 'out'));
      fs.chownSync(path.join(dir, 'out'), 65534, 65534);
      const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'out/dst', chunking: { maxChunkFiles: 1 }, retry: QUICK_RETRY } });
      const r = await runCliLikeCron(['run', '-c', cfg, '--all', ...flags], { user: 'nobody' });
      expectRunEnded(r, path.join(dir, 'out', 'state'), 1, mode.json);
      const end = lastRunEvidence(path.join(dir, 'out', 'state')).sessionEnd!;
      expect(end.outcome).to.equal('Failed');
      expect(fs.readFileSync(path.join(dir, 'out', 'dst', 'a', 'ok.txt'), 'utf8')).to.equal('readable');
      expect(fs.readFileSync(path.join(dir, 'out', 'dst', 'c', 'also.txt'), 'utf8')).to.equal('fine');
    });

    it(`a destination that fills up (ENOSPC on a 1 MiB tmpfs): exit 1, nothing outside it touched (${mode.name})`, async () => {
      makeTree(path.join(dir, 'src'), { a: { 'one.bin': 600_000 }, b: { 'two.bin': 600_000 }, c: { 'three.bin': 600_000 } });
      makeTree(path.join(dir, 'victim'), { 'keep.txt': 'outside the destination' });
      undo.push(mountTmpfs(path.join(dir, 'dst'), '1m'));
      const before = hashTree(path.join(dir, 'victim'));
      const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'dst', chunking: { maxChunkFiles: 1 }, retry: QUICK_RETRY } });
      const r = await runCliLikeCron(['run', '-c', cfg, '--all', ...flags]);
      expectRunEnded(r, path.join(dir, 'out', 'state'), 1, mode.json);
      expect(hashTree(path.join(dir, 'victim'))).to.equal(before);
      expect(r.stdout + r.stderr).to.contain('ENOSPC');
    });

    it(`a path longer than PATH_MAX in the source: exit 1, the rest copied (${mode.name})`, async () => {
      makeTree(path.join(dir, 'src'), { ok: { 'f.txt': 'short path' } });
      makeDeepPath(path.join(dir, 'src', 'deep'), 20, 'leaf.txt');
      const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'dst', chunking: { maxChunkFiles: 1, maxDepth: 2 }, retry: QUICK_RETRY } });
      const r = await runCliLikeCron(['run', '-c', cfg, '--all', ...flags]);
      expectRunEnded(r, path.join(dir, 'out', 'state'), 1, mode.json);
      expect(r.stdout + r.stderr).to.contain('ENAMETOOLONG');
      expect(fs.readFileSync(path.join(dir, 'dst', 'ok', 'f.txt'), 'utf8')).to.equal('short path');
    });

    it(`a chunk root whose name the engine refuses (robocopy and "|"): exit 1, the other chunks copied, "&" among them (${mode.name})`, async () => {
      // "|" is legal in a POSIX name but never in a Windows one, so robocurse refuses to hand it to
      // robocopy; "&" is an ordinary character for robocopy started without cmd.exe and must copy.
      makeTree(path.join(dir, 'src'), { 'fine': { 'f.txt': 'x' }, 'r|d': { 'g.txt': 'y' }, 'r&d': { 'h.txt': 'z' } });
      const fake = path.join(packageRoot(), 'test', 'fixtures', 'fake-robocopy', 'robocopy');
      const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'dst', engine: 'robocopy', chunking: { maxChunkFiles: 1 }, retry: QUICK_RETRY,
        engineOptions: { robocopy: { executable: fake, switches: ['/COPY:DAT'] } } } });
      const r = await runCliLikeCron(['run', '-c', cfg, '--all', ...flags]);
      expectRunEnded(r, path.join(dir, 'out', 'state'), 1, mode.json);
      expect(r.stdout + r.stderr).to.contain('r|d');
      expect(fs.existsSync(path.join(dir, 'dst', 'r|d', 'g.txt'))).to.equal(false);
      expect(fs.readFileSync(path.join(dir, 'dst', 'fine', 'f.txt'), 'utf8')).to.equal('x');
      expect(fs.readFileSync(path.join(dir, 'dst', 'r&d', 'h.txt'), 'utf8')).to.equal('z');
    });

    it(`\`robocurse pause\` from another process while chunks run waits for \`resume\`, then exit 0 (${mode.name})`, async () => {
      makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'a' }, b: { 'g.txt': 'b' }, c: { 'h.txt': 'c' }, d: { 'i.txt': 'd' } });
      // One job at a time, three seconds each: the pause lands while a chunk runs and others wait.
      const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'dst', engine: 'simulated', chunking: { maxChunkFiles: 1 },
        engineOptions: { simulated: { script: { '*': { durationMs: 3000 } } } } } }, { maxConcurrentJobs: 1 });
      const stateDir = path.join(dir, 'out', 'state');
      const count = (type: string): number => sessionEvents(stateDir).filter((e) => e.type === type).length;
      const run = startCli(['run', '-c', cfg, '--all', ...flags], { env: { TERM: 'dumb' } });
      // A failed test must not leave a paused run behind (it would wait for `resume` forever).
      undo.push(async () => { if (run.child.exitCode === null && run.child.signalCode === null) { run.child.kill('SIGKILL'); await run.result; } });
      expect(await waitFor(() => count('ChunkStart') > 0)).to.equal(true);
      const paused = await runCliLikeCron(['pause', '-c', cfg, '-p', 'p', '--wait', '30']);
      expect(paused.code, paused.stderr).to.equal(0);
      expect(paused.stdout).to.contain('applied');
      expect(await waitFor(() => count('Paused') === 1)).to.equal(true);
      // Every chunk that started finishes; the queued ones must wait, and the process with them.
      expect(await waitFor(() => count('ChunkComplete') === count('ChunkStart'))).to.equal(true);
      const started = count('ChunkStart');
      expect(started, 'the pause came too late to leave a chunk queued').to.be.lessThan(4);
      await new Promise((r) => setTimeout(r, 2000));
      expect(run.child.exitCode, `exited while paused: ${run.stderrSoFar()}`).to.equal(null);
      expect(count('ChunkStart')).to.equal(started);
      const resumed = await runCliLikeCron(['resume', '-c', cfg, '-p', 'p', '--wait', '30']);
      expect(resumed.code, resumed.stderr).to.equal(0);
      const out = await run.result;
      const summary = mode.json ? jsonSummary(out.stdout) : undefined;
      expectRunEnded({ ...out, summary }, stateDir, 0, mode.json);
      expect(count('ChunkComplete')).to.equal(4);
    });
  }

  it('on a terminal (pty): a path longer than PATH_MAX ends with exit 1, the summary and SessionEnd', async () => {
    makeTree(path.join(dir, 'src'), { ok: { 'f.txt': 'short path' } });
    makeDeepPath(path.join(dir, 'src', 'deep'), 20, 'leaf.txt');
    const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'dst', chunking: { maxChunkFiles: 1, maxDepth: 2 }, retry: QUICK_RETRY } });
    const r = await runCliOnPty(['run', '-c', cfg, '--all'], { timeoutMs: 120_000 });
    expectRunEnded({ code: r.code, stdout: r.output, stderr: '' }, path.join(dir, 'out', 'state'), 1, false);
    expect(rsyncDifferences(path.join(dir, 'src', 'ok'), path.join(dir, 'dst', 'ok'))).to.deep.equal([]);
  });
});

/**
 * `levels` nested directories of 250-byte names under `root`, and a file at the bottom: a path
 * far beyond PATH_MAX (4096), built with python's dir_fd calls because no absolute path reaches it.
 */
function makeDeepPath(root: string, levels: number, leaf: string): void {
  fs.mkdirSync(root, { recursive: true });
  const py = [
    'import os, sys',
    'fd = os.open(sys.argv[1], os.O_RDONLY)',
    'for i in range(int(sys.argv[2])):',
    "    n = ('d%02d' % i) + 'x' * 247",
    '    os.mkdir(n, dir_fd=fd)',
    '    nfd = os.open(n, os.O_RDONLY, dir_fd=fd); os.close(fd); fd = nfd',
    'f = os.open(sys.argv[3], os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd); os.write(f, b"leaf"); os.close(f)',
  ].join('\n');
  const r = spawnSync('python3', ['-c', py, root, String(levels), leaf], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not build the deep tree: ${r.stderr}`);
}
