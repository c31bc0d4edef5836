import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rsyncDifferences } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { cliPath } from '../../helpers/run-cli';

/**
 * A shell that sits in a directory removed (or unmounted) since: process.cwd() throws there, and
 * so does every worker thread Node starts. A command with absolute paths must work; one that needs
 * the directory must say so (exit 2), never resolve against the root (src/cli/io.ts).
 * Run the way cron runs it: stdin closed, no terminal.
 */
describe('a working directory that is gone (real CLI, like cron)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('robocurse-gone-cwd-');
    makeTree(path.join(dir, 'src'), { a: { 'one.txt': '1'.repeat(100), b: { 'two.txt': '22' } }, 'three.txt': '333' });
    for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(dir, 'src', 'a', `f${i}.dat`), `file ${i}\n`);
    fs.writeFileSync(path.join(dir, 'robocurse.json'), JSON.stringify({ version: 1, global: { logDir: path.join(dir, 'logs'), stateDir: path.join(dir, 'state') }, profiles: { p: { source: path.join(dir, 'src'), destination: path.join(dir, 'dst') } } }));
  });
  afterEach(() => removeTemp(dir));

  /** The CLI started in `gone`, which is removed before robocurse starts. */
  const fromGone = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
    const gone = path.join(dir, 'gone');
    fs.mkdirSync(gone);
    const start = `process.chdir(${JSON.stringify(gone)}); require('fs').rmdirSync(${JSON.stringify(gone)}); process.argv = [process.argv[0], ${JSON.stringify(cliPath())}, ...process.argv.slice(1)]; require(${JSON.stringify(cliPath())});`;
    const r = spawnSync(process.execPath, ['-e', start, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, TERM: 'dumb', FORCE_COLOR: '0', XDG_STATE_HOME: path.join(dir, 'xdg') } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const saysGone = /^robocurse: the current directory cannot be reached \(ENOENT[^\n]*absolute paths\n/m;

  it('run with an absolute --config copies the whole tree (its threads too) and exits 0', () => {
    const r = fromGone(['run', '--config', path.join(dir, 'robocurse.json'), '--all', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
    const summary = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; outcome?: string }).find((l) => l.type === 'summary');
    expect(summary?.outcome).to.equal('Success');
    expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
  });

  it('a relative --config, the default ./robocurse.json or relative copy paths: exit 2 saying why, nothing made at the root', () => {
    const unique = `robocurse-gone-${randomBytes(6).toString('hex')}`;
    for (const args of [['validate', '--config', 'robocurse.json'], ['run', '--all'], ['copy', path.join(dir, 'src'), unique], ['copy', unique, path.join(dir, 'elsewhere')], ['log', 'summarize', 'robocopy.log'], ['status', '--state-dir', 'state']]) {
      const r = fromGone(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(2);
      expect(r.stderr).to.match(saysGone);
      expect(r.stderr).to.not.match(/^\s+at /m);
    }
    expect(fs.existsSync(path.join(path.parse(dir).root, unique)), 'nothing resolved against the root').to.equal(false);
    expect(fs.existsSync(path.join(dir, 'elsewhere'))).to.equal(false);
  });
});
