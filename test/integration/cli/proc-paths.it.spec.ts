import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { cliPath } from '../../helpers/run-cli';

/**
 * A directory robocurse must make, typed under /proc: procfs answers ENOENT to a mkdir whose
 * parent exists, and Node's recursive mkdir then retried forever at 100 % CPU (a cron job that
 * never ended, its profile locked). src/fs/make-dirs.ts answers instead. Run like cron.
 */
describe('a directory to make under /proc: a prompt, clear failure, never a hang (real CLI, like cron)', function () {
  this.timeout(90_000);
  let dir: string;
  before(function () {
    // No procfs here: nothing that answers this way.
    if (!fs.existsSync('/proc/self')) this.skip();
  });
  beforeEach(() => {
    dir = tempDir('robocurse-proc-paths-');
    makeTree(path.join(dir, 'src'), { 'one.txt': '1', a: { 'two.txt': '22' } });
  });
  afterEach(() => removeTemp(dir));

  const run = (global: Record<string, string>, destination: string): { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number } => {
    const config = path.join(dir, 'robocurse.json');
    fs.writeFileSync(config, JSON.stringify({ version: 1, global: { logDir: path.join(dir, 'logs'), stateDir: path.join(dir, 'state'), ...global }, profiles: { p: { source: path.join(dir, 'src'), destination, retry: { maxAttempts: 1 } } } }));
    const started = Date.now();
    const r = spawnSync(process.execPath, [cliPath(), 'run', '--config', config, '--all', '--json'], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL', env: { ...process.env, TERM: 'dumb', FORCE_COLOR: '0', XDG_STATE_HOME: path.join(dir, 'xdg') } });
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
  };

  it('global.logDir under /proc: exit 4 naming the key and the path, at once', () => {
    const r = run({ logDir: '/proc/robocurse-no-such/logs' }, path.join(dir, 'dst'));
    expect(r.signal, 'it hung and was killed').to.equal(null);
    expect(r.code).to.equal(4);
    expect(r.stderr).to.contain('global.logDir').and.to.contain('/proc/robocurse-no-such');
    expect(r.ms).to.be.below(30_000);
    expect(fs.existsSync(path.join(dir, 'dst'))).to.equal(false);
  });

  it('a destination under /proc: the chunk fails with ENOENT naming it, the run ends with exit 1', () => {
    const r = run({}, '/proc/robocurse-no-such/replica');
    expect(r.signal, 'it hung and was killed').to.equal(null);
    expect(r.code).to.equal(1);
    const summary = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; outcome?: string }).find((l) => l.type === 'summary');
    expect(summary?.outcome).to.equal('Failed');
    expect(r.stderr).to.contain("mkdir '/proc/robocurse-no-such'");
  });
});
