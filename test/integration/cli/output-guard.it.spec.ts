import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rsyncDifferences } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { cliPath } from '../../helpers/run-cli';

/**
 * stdout or stderr on a full disk (a cron redirect to a full /var, here /dev/full) must not stop
 * a run: it copies everything, exits with its own code, and tells what it could (src/cli/output-guard.ts).
 * Run the way cron runs it: stdin closed, no terminal, TERM=dumb.
 */
describe('output on a full disk: the run goes on (real CLI, like cron)', function () {
  this.timeout(60_000);
  let dir: string;
  let config: string;
  before(function () {
    // Not a Linux-like /dev: nothing to fill.
    if (!fs.existsSync('/dev/full')) this.skip();
  });
  beforeEach(() => {
    dir = tempDir('robocurse-output-guard-');
    makeTree(path.join(dir, 'src'), { a: { 'one.txt': '1'.repeat(100), b: { 'two.txt': '22' } }, 'three.txt': '333' });
    for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(dir, 'src', 'a', `f${i}.dat`), `file ${i}\n`);
    makeTree(path.join(dir, 'beside'), { 'keep.txt': 'outside the destination' });
    config = path.join(dir, 'robocurse.json');
    fs.writeFileSync(config, JSON.stringify({ version: 1, global: { logDir: path.join(dir, 'logs'), stateDir: path.join(dir, 'state') }, profiles: { p: { source: path.join(dir, 'src'), destination: path.join(dir, 'dst') } } }));
  });
  afterEach(() => removeTemp(dir));

  /** The CLI with stdout and stderr each a pipe or /dev/full. */
  const run = (args: string[], out: 'pipe' | 'full', err: 'pipe' | 'full'): { code: number | null; stdout: string; stderr: string } => {
    const fds: number[] = [];
    const open = (k: 'pipe' | 'full'): 'pipe' | number => { if (k === 'pipe') return 'pipe'; const fd = fs.openSync('/dev/full', 'w'); fds.push(fd); return fd; };
    try {
      const r = spawnSync(process.execPath, [cliPath(), ...args], { cwd: dir, stdio: ['ignore', open(out), open(err)], encoding: 'utf8', env: { ...process.env, TERM: 'dumb', FORCE_COLOR: '0', XDG_STATE_HOME: path.join(dir, 'xdg') } });
      return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    } finally {
      for (const fd of fds) fs.closeSync(fd);
    }
  };
  const noTrace = (text: string): void => { expect(text).to.not.match(/^\s+at /m); expect(text).to.not.contain('internal error'); };
  const lastOutcome = (): unknown => {
    const h = run(['history', '--config', config, '--json'], 'pipe', 'pipe');
    expect(h.code, h.stderr).to.equal(0);
    return (JSON.parse(h.stdout) as { sessions?: Array<{ outcome?: string; status?: string }> } | Array<{ outcome?: string; status?: string }>);
  };

  it('run --json with stdout on a full disk: copies the whole tree, exits 0, one line on stderr says stdout failed', () => {
    const r = run(['run', '--config', config, '--all', '--json'], 'full', 'pipe');
    expect(r.code, r.stderr).to.equal(0);
    expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
    expect(r.stderr).to.match(/^robocurse: stdout could not be written \(ENOSPC[^\n]*\n$/m);
    noTrace(r.stderr);
    expect(JSON.stringify(lastOutcome())).to.contain('Success');
    expect(fs.readFileSync(path.join(dir, 'beside', 'keep.txt'), 'utf8')).to.equal('outside the destination');
  });

  it('run with stderr on a full disk: copies the whole tree, exits 0, the summary still on stdout', () => {
    const r = run(['run', '--config', config, '--all'], 'pipe', 'full');
    expect(r.code).to.equal(0);
    expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
    expect(r.stdout).to.match(/robocurse session \S+: Success/);
  });

  it('run with both on a full disk: copies the whole tree and exits 0', () => {
    const r = run(['run', '--config', config, '--all'], 'full', 'full');
    expect(r.code).to.equal(0);
    expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
    expect(JSON.stringify(lastOutcome())).to.contain('Success');
  });

  it('a failing run keeps its own exit code with stdout on a full disk', () => {
    fs.writeFileSync(config, JSON.stringify({ version: 1, global: { logDir: path.join(dir, 'logs'), stateDir: path.join(dir, 'state') }, profiles: { p: { source: path.join(dir, 'no-such-source'), destination: path.join(dir, 'dst') } } }));
    const r = run(['run', '--config', config, '--all', '--json'], 'full', 'pipe');
    expect(r.code).to.not.equal(0);
    noTrace(r.stderr);
    expect(fs.existsSync(path.join(dir, 'dst'))).to.equal(false);
  });
});
