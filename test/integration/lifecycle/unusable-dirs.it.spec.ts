import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCliLikeCron, runCliOnPty } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { lastRunEvidence } from '../../helpers/run-evidence';
import { mountTmpfs, writeRunConfig } from './lifecycle-kit';

const NOBODY = 65534;

/**
 * An unusable log or state directory is one clear error naming the path and its config key,
 * exit 4, before anything is copied: no lock left behind, no session recorded half-way, no stack
 * trace. Used to be a RangeError about fd -1 (exit 7) or an uncaught ENOENT (exit 1).
 */
describe('unusable log or state directory (exit 4, CLI as a child process)', function () {
  this.timeout(120_000);
  let dir: string;
  const undo: (() => void)[] = [];
  beforeEach(() => {
    dir = tempDir('robocurse-dirs-');
    fs.chmodSync(dir, 0o755);
    makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'x' } });
    fs.mkdirSync(path.join(dir, 'mine'));
    fs.chownSync(path.join(dir, 'mine'), NOBODY, NOBODY);
    fs.mkdirSync(path.join(dir, 'roots'), { mode: 0o755 }); // root's, not writable by nobody
    fs.mkdirSync(path.join(dir, 'roots', 'logs'), { mode: 0o755 });
  });
  afterEach(() => {
    for (const u of undo.splice(0).reverse()) u();
    removeTemp(dir);
  });

  const readOnlyMount = (): string => {
    const ro = path.join(dir, 'ro');
    undo.push(mountTmpfs(ro, '1m', 'ro'));
    return ro;
  };

  type Case = { name: string; global: () => Record<string, unknown>; user?: string; culprit: RegExp; stateDir: () => string };
  const cases: Case[] = [
    { name: 'log directory that exists but the user cannot write', user: 'nobody', global: () => ({ logDir: 'roots/logs', stateDir: 'mine/state' }),
      culprit: /cannot write the log directory .*roots\/logs \(global\.logDir\): .*not writable by user nobody/, stateDir: () => path.join(dir, 'mine', 'state') },
    { name: 'log directory the user cannot create', user: 'nobody', global: () => ({ logDir: 'roots/new-logs', stateDir: 'mine/state' }),
      culprit: /cannot write the log directory .*roots\/new-logs \(global\.logDir\): .*roots is not writable by user nobody/, stateDir: () => path.join(dir, 'mine', 'state') },
    { name: 'log directory on a read-only file system', global: () => ({ logDir: `${readOnlyMount()}/logs`, stateDir: 'mine/state' }),
      culprit: /cannot write the log directory .*ro\/logs \(global\.logDir\): .*read-only file system/, stateDir: () => path.join(dir, 'mine', 'state') },
    { name: 'state directory the user cannot create', user: 'nobody', global: () => ({ logDir: 'mine/logs', stateDir: 'roots/state' }),
      culprit: /cannot open the state database .*roots\/state\/robocurse\.db \(global\.stateDir\): .*roots is not writable by user nobody/, stateDir: () => path.join(dir, 'roots', 'state') },
    // Runs as root: its log directory is root's (robocurse refuses one that nobody owns; see docs/security.md).
    { name: 'state directory on a read-only file system', global: () => ({ logDir: 'roots/logs', stateDir: `${readOnlyMount()}/state` }),
      culprit: /cannot open the state database .*ro\/state\/robocurse\.db \(global\.stateDir\): .*read-only file system/, stateDir: () => path.join(dir, 'ro', 'state') },
  ];

  for (const json of [false, true]) {
    for (const c of cases) {
      it(`${c.name}${json ? ' (--json)' : ''}: exit 4 naming the path, nothing copied, no lock, no session`, async () => {
        const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'mine/dst' } }, c.global());
        const r = await runCliLikeCron(['run', '-c', cfg, '--all', ...(json ? ['--json'] : [])], { user: c.user });
        expect(r.code, r.stderr).to.equal(4);
        expect(r.stderr).to.match(c.culprit);
        expect(r.stderr).to.not.match(/^\s+at /m);
        expect(r.stderr).to.not.match(/RangeError|ERR_OUT_OF_RANGE/);
        if (json) expect(r.lines.find((l) => l.type === 'error')).to.include({ exitCode: 4 });
        expect(fs.existsSync(path.join(dir, 'mine', 'dst')), 'copied although the run was refused').to.equal(false);
        const ev = lastRunEvidence(c.stateDir());
        expect(ev.run, 'a session was recorded').to.equal(undefined);
        expect(ev.locks).to.deep.equal([]);
      });
    }
  }

  it('on a terminal (pty): a log directory the user cannot write is the same clear error', async () => {
    const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'mine/dst' } }, { logDir: `${readOnlyMount()}/logs`, stateDir: 'mine/state' });
    const r = await runCliOnPty(['run', '-c', cfg, '--all'], { timeoutMs: 60_000 });
    expect(r.code, r.output).to.equal(4);
    expect(r.output).to.match(/cannot write the log directory .*\(global\.logDir\)/);
    expect(fs.existsSync(path.join(dir, 'mine', 'dst'))).to.equal(false);
  });

  it('status, history and control commands name an unusable state directory too (exit 4, no stack trace)', async () => {
    const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'mine/dst' } }, { logDir: 'roots/logs', stateDir: `${readOnlyMount()}/state` });
    for (const argv of [['status'], ['history'], ['pause', '-p', 'p', '--wait', '0']]) {
      const r = await runCliLikeCron([...argv, '-c', cfg]);
      expect(r.code, `${argv[0]}: ${r.stderr}`).to.equal(4);
      expect(r.stderr).to.match(/cannot open the state database .*\(global\.stateDir\): .*read-only file system/);
      expect(r.stderr).to.not.match(/^\s+at /m);
    }
  });

  it('a fixed directory lets the next run go through (nothing stale was left to trip over)', async () => {
    const bad = writeRunConfig(dir, { p: { source: 'src', destination: 'mine/dst' } }, { logDir: 'roots/logs', stateDir: 'mine/state' });
    expect((await runCliLikeCron(['run', '-c', bad, '--all'], { user: 'nobody' })).code).to.equal(4);
    const good = writeRunConfig(dir, { p: { source: 'src', destination: 'mine/dst' } }, { logDir: 'mine/logs', stateDir: 'mine/state' });
    const r = await runCliLikeCron(['run', '-c', good, '--all'], { user: 'nobody' });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.not.contain('recovered the lock');
    expect(fs.readFileSync(path.join(dir, 'mine', 'dst', 'a', 'f.txt'), 'utf8')).to.equal('x');
  });
});
