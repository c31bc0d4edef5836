import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir, twoLevelTree } from '../../helpers/make-tree';
import { startCli } from '../../helpers/run-cli';
import { newestLog } from '../../helpers/session-log';

/**
 * `run` starts the first profile's scan while it opens the state database, takes the locks and
 * loads the plugins (src/scan/prefetch-scanner.ts, issue #17), and the run then uses that scan.
 * Run as cron runs it: the copy is exact, a second profile is scanned as before, a run refused
 * because its profile is locked abandons the early scan without writing anything or hanging, and
 * after a run killed while it copied (its writes may have gone on until reaped) the scan is made
 * again once the lock is held.
 */
describe('run: the first scan starts while the run is composed (CLI like cron)', function () {
  this.timeout(120_000);
  let dir: string;
  let holder: ChildProcess | undefined;

  /** The session log's lines that say a scan was taken from the early start. */
  const earlyLines = (): Array<{ root: string; aheadMs: number }> => newestLog(dir).split('\n')
    .filter((l) => l.includes('before it was asked for')).map((l) => JSON.parse(l) as { root: string; aheadMs: number });

  const writeConfig = (profiles: Record<string, Record<string, unknown>>): string => {
    const file = path.join(dir, 'robocurse.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, global: { logDir: path.join(dir, 'logs'), stateDir: path.join(dir, 'state') }, profiles }));
    return file;
  };

  beforeEach(() => {
    dir = tempDir('robocurse-early-scan-');
    makeTree(path.join(dir, 'src'), twoLevelTree('t', 6, 5, 20));
    makeTree(path.join(dir, 'src2'), { 'a.txt': 'second profile', sub: { 'b.txt': 'b' } });
    makeTree(path.join(dir, 'beside'), { 'victim.txt': 'outside the destination' });
  });
  afterEach(async () => {
    if (holder && holder.exitCode === null) {
      holder.kill('SIGKILL');
      await new Promise((r) => holder!.once('exit', r));
    }
    holder = undefined;
    removeTemp(dir);
  });

  it('the first profile\'s run takes the scan started early; copies and a changed re-run are exact; the second profile scans as before', async () => {
    const src = path.join(dir, 'src');
    const dst = path.join(dir, 'dst');
    const cfg = writeConfig({
      first: { source: src, destination: dst, mirror: true, chunking: { maxChunkFiles: 100 } },
      second: { source: path.join(dir, 'src2'), destination: path.join(dir, 'dst2'), mirror: true },
    });
    const beside = hashTree(path.join(dir, 'beside'));
    const run = async (): Promise<void> => {
      const r = await runCliLikeCron(['run', '--config', cfg, '--all', '--json', '--log-level', 'debug'], { cwd: dir });
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      expect(r.stderr, 'no stack trace').to.not.match(/\n\s+at .*\.js:\d+/);
      expect((r.summary!.profiles as Array<{ result: string }>).map((p) => p.result)).to.deep.equal(['Success', 'Success']);
      const early = earlyLines();
      expect(early.map((l) => l.root), 'the first profile only').to.deep.equal([src]);
      expect(early[0].aheadMs).to.be.at.least(0);
      expect(rsyncDifferences(src, dst)).to.deep.equal([]);
      expect(rsyncDifferences(path.join(dir, 'src2'), path.join(dir, 'dst2'))).to.deep.equal([]);
      expect(hashTree(path.join(dir, 'beside'))).to.equal(beside);
    };
    await run();
    // A nightly change: one file rewritten (another size), one added, one removed.
    fs.writeFileSync(path.join(src, 't0', 's0', 'f0.dat'), 'rewritten with other content');
    fs.writeFileSync(path.join(src, 't1', 'new.txt'), 'new');
    fs.rmSync(path.join(src, 't2', 's1', 'f1.dat'));
    await run();
    expect(fs.readFileSync(path.join(dst, 't1', 'new.txt'), 'utf8')).to.equal('new');
    expect(fs.existsSync(path.join(dst, 't2', 's1', 'f1.dat'))).to.equal(false);
  });

  it('a run refused because its profile is locked abandons the early scan: exit 4 naming the lock, at once, the replica untouched', async () => {
    const src = path.join(dir, 'src');
    const dst = path.join(dir, 'dst');
    const cfg = writeConfig({ nightly: { source: src, destination: dst, mirror: true } });
    expect((await runCliLikeCron(['run', '--config', cfg, '--all', '--json'], { cwd: dir })).code).to.equal(0);
    // The source changes, so a run that went ahead would write; the lock must stop it.
    fs.writeFileSync(path.join(src, 't0', 'changed.txt'), 'would be copied');
    fs.rmSync(path.join(src, 't3'), { recursive: true });
    const replica = hashTree(dst);
    holder = spawn(process.execPath, [path.join(packageRoot(), 'dist', 'test', 'fixtures', 'state', 'lock-holder.js'), path.join(dir, 'state'), 'nightly'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const held = await new Promise<string>((resolve) => holder!.stdout!.once('data', (d: Buffer) => resolve(d.toString())));
    expect(JSON.parse(held)).to.include({ ok: true });
    const started = Date.now();
    const r = await runCliLikeCron(['run', '--config', cfg, '--all', '--json', '--log-level', 'debug'], { cwd: dir });
    expect(r.code, r.stderr + r.stdout).to.equal(4);
    expect(Date.now() - started, 'it ended without waiting for the abandoned scan').to.be.below(20_000);
    expect(r.lines.at(-1)).to.include({ type: 'error', exitCode: 4 });
    expect(String(r.lines.at(-1)!.message)).to.contain('locked');
    expect(r.stderr, 'no stack trace').to.not.match(/\n\s+at .*\.js:\d+/).and.not.contain('internal error');
    expect(hashTree(dst), 'nothing written to the replica').to.equal(replica);
    expect(fs.existsSync(path.join(dst, 't3')), 'nothing deleted').to.equal(true);
  });

  it('after a run killed while it copied, the early scan is made again once the lock is held; the next run is exact', async () => {
    const src = path.join(dir, 'src');
    const dst = path.join(dir, 'dst');
    makeTree(path.join(src, 'big'), twoLevelTree('b', 6, 10, 50));
    const cfg = writeConfig({ nightly: { source: src, destination: dst, mirror: true, chunking: { maxChunkFiles: 300 } } });
    const killed = startCli(['run', '--config', cfg, '--all', '--json', '--log-level', 'debug'], { cwd: dir, env: { TERM: 'dumb' } });
    const t0 = Date.now();
    while (!killed.stderrSoFar().includes('event ChunkStart') && killed.child.exitCode === null && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 2));
    expect(killed.child.exitCode, 'the first run was still copying when killed').to.equal(null);
    killed.child.kill('SIGKILL');
    expect((await killed.result).signal).to.equal('SIGKILL');
    const r = await runCliLikeCron(['run', '--config', cfg, '--all', '--json', '--log-level', 'debug'], { cwd: dir });
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(r.stderr, 'no stack trace').to.not.match(/\n\s+at .*\.js:\d+/);
    const log = newestLog(dir);
    expect(log).to.contain('the one started early is made again');
    expect(earlyLines(), 'the early scan was not taken').to.deep.equal([]);
    expect(rsyncDifferences(src, dst)).to.deep.equal([]);
    // The next run, after one that ended: the early scan stands again.
    expect((await runCliLikeCron(['run', '--config', cfg, '--all', '--json', '--log-level', 'debug'], { cwd: dir })).code).to.equal(0);
    expect(earlyLines().map((l) => l.root)).to.deep.equal([src]);
  });
});
