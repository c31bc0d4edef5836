import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { startCli } from '../../helpers/run-cli';
import { expectNoStack, testEnv, waitFor, writeConfig } from './figures-kit';

/**
 * Errors a user meets name the culprit and the way out, in one sentence, without a stack trace:
 * a corrupt state database (and `robocurse state repair`, which keeps the damaged file), a locked
 * profile, a negative bandwidth.
 */
describe('figures: errors for users have no stack traces (CLI)', function () {
  this.timeout(120_000);
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tempDir('robocurse-errors-');
    makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'x' }, b: { 'g.txt': 'y' } });
    file = writeConfig(dir, { docs: { source: 'src', destination: 'dst', chunking: { maxChunkFiles: 1 } } });
  });
  afterEach(() => removeTemp(dir));
  const cli = (args: string[]) => runCliLikeCron(args, { cwd: dir, env: testEnv(dir) });

  it('a corrupt state database: status, history and run exit 4 naming the file and `robocurse state repair`; repair keeps it and starts afresh', async () => {
    expect((await cli(['run', '--config', file, '--all'])).code).to.equal(0);
    const db = path.join(dir, 'state', 'robocurse.db');
    for (const f of [`${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
    fs.writeFileSync(db, 'this is not a database, a disk glitch wrote over it '.repeat(200));
    const damaged = fs.readFileSync(db);
    const dstBefore = hashTree(path.join(dir, 'dst'));
    for (const args of [['status'], ['history'], ['run', '--all'], ['log', 'show'], ['pause', '--profile', 'docs', '--wait', '0']]) {
      const r = await cli([...args, '--config', file]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(4);
      expect(r.stderr).to.contain(db).and.to.contain('robocurse state repair');
      expectNoStack(r.stderr + r.stdout);
    }
    expect(hashTree(path.join(dir, 'dst'))).to.equal(dstBefore);

    const repair = await cli(['state', 'repair', '--config', file]);
    expect(repair.code, repair.stderr).to.equal(0);
    expect(repair.stdout).to.contain('moved aside, not deleted');
    const kept = fs.readdirSync(path.join(dir, 'state')).filter((n) => n.startsWith('robocurse.db.damaged-'));
    expect(kept).to.have.length(1);
    expect(fs.readFileSync(path.join(dir, 'state', kept[0])).equals(damaged)).to.equal(true);
    expect(fs.statSync(path.join(dir, 'state', kept[0])).mode & 0o777).to.equal(0o600);
    expect((await cli(['status', '--config', file])).stdout).to.contain('No runs recorded yet');
    expect((await cli(['run', '--config', file, '--all'])).code).to.equal(0);
    const again = await cli(['state', 'repair', '--config', file]);
    expect(again.code).to.equal(0);
    expect(again.stdout).to.contain('healthy; nothing to do');
  });

  it('set-bandwidth -5 and set-concurrency 0 exit 2 with the rule, nothing queued; no stack', async () => {
    for (const [args, re] of [
      [['set-bandwidth', '-5', '--profile', 'docs'], /set-bandwidth -5: the budget is in Mbit\/s and cannot be negative/],
      [['set-concurrency', '0', '--profile', 'docs'], /set-concurrency 0: expected a whole number of jobs >= 1/],
      [['set-concurrency', '2.5', '--profile', 'docs'], /set-concurrency 2\.5: expected a whole number/],
    ] as const) {
      const r = await cli([...args, '--config', file, '--wait', '0']);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(re);
      expectNoStack(r.stderr + r.stdout);
    }
    // Nothing was queued: the state database was never even opened.
    expect(fs.existsSync(path.join(dir, 'state', 'robocurse.db'))).to.equal(false);
  });

  it('copy with a missing or wrong operand: exit 2 naming it, nothing run or written, no "fatal"', async () => {
    for (const [args, re] of [
      [['copy', 'src'], /Missing required argument: destination/],
      [['copy', 'nowhere', 'dst'], /<source> .*nowhere: no such directory/],
      [['copy', 'src', 'src/inside'], /<destination>: destination .*inside is inside the source/],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(2);
      expect(r.stderr).to.match(re).and.not.to.match(/fatal/);
      expectNoStack(r.stderr + r.stdout);
    }
    expect(fs.existsSync(path.join(dir, 'dst'))).to.equal(false);
    expect(fs.existsSync(path.join(dir, 'src', 'inside'))).to.equal(false);
    expect(fs.existsSync(path.join(dir, 'xdg', 'robocurse', 'errors.log')), 'no unexpected error was recorded').to.equal(false);
  });

  it('a locked profile: one sentence naming the holder, exit 4, no stack', async () => {
    writeConfig(dir, { docs: { source: 'src', destination: 'dst', engine: 'simulated', chunking: { maxChunkFiles: 1 }, engineOptions: { simulated: { script: { '*': { durationMs: 8000 } } } } } });
    const first = startCli(['run', '--config', file, '--all'], { cwd: dir, env: testEnv(dir) });
    try {
      await waitFor('the first run to hold the lock', async () => /"state": ?"running"/.test((await cli(['status', '--config', file, '--json'])).stdout));
      for (const extra of [[], ['--json']]) {
        const r = await cli(['run', '--config', file, '--all', ...extra]);
        expect(r.code).to.equal(4);
        expect(r.stderr).to.match(/profile "docs" is already running: locked by pid \d+/);
        expectNoStack(r.stderr + r.stdout);
      }
    } finally {
      first.child.kill('SIGTERM');
      await first.result;
    }
  });
});
