import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, runCliLikeCron, runCliOnPty } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { writeRunConfig } from './lifecycle-kit';

/**
 * A bad command line runs nothing: yargs used to start the command's handler before its strict
 * checks failed, so `run --dryrun` printed "Unknown argument" and then ran the real mirror.
 * The destination holds an extra file a mirror would delete: its hash proves nothing ran.
 */
describe('a bad command line runs nothing (exit 2, CLI as a child process)', function () {
  this.timeout(120_000);
  let dir: string;
  let cfg: string;
  before(() => {
    dir = tempDir('robocurse-badargs-');
    makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'new content' }, b: { 'g.txt': 'g' } });
    makeTree(path.join(dir, 'dst'), { a: { 'f.txt': 'old content' }, 'extra.txt': 'a mirror deletes me' });
    cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'dst', mirror: true } });
  });
  after(() => removeTemp(dir));

  const cases: { argv: string[]; names: RegExp }[] = [
    { argv: ['--dryrun'], names: /Unknown argument: dryrun/ },
    { argv: ['--bogus'], names: /Unknown argument: bogus/ },
    { argv: ['--max-jobs'], names: /max-jobs/ },
    { argv: ['--max-jobs', 'abc'], names: /--max-jobs: expected a whole number/ },
    { argv: ['--max-jobs', '0'], names: /--max-jobs: expected a number >= 1/ },
    { argv: ['--max-jobs', '2.5'], names: /--max-jobs: expected a whole number, got 2\.5/ },
    { argv: ['--log-level', 'loud'], names: /log-level/ },
    { argv: ['--config'], names: /config/ },
  ];

  for (const json of [false, true]) {
    for (const c of cases) {
      it(`run ${c.argv.join(' ')}${json ? ' --json' : ''}: exit 2 naming the flag; destination, state and logs untouched`, async () => {
        const before = hashTree(path.join(dir, 'dst'));
        // The bad flag last, as a typo at the end of a long line would be; --json before it.
        const r = await runCliLikeCron(['run', '-c', cfg, '--all', ...(json ? ['--json'] : []), ...c.argv]);
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stderr).to.match(c.names);
        expect(r.stderr).to.not.match(/^\s+at /m); // no stack trace
        expect(hashTree(path.join(dir, 'dst'))).to.equal(before);
        expect(fs.existsSync(path.join(dir, 'out', 'state')), 'state directory created').to.equal(false);
        expect(fs.existsSync(path.join(dir, 'out', 'logs')), 'log directory created').to.equal(false);
      });
    }
  }

  it('a single-valued option given twice is refused, not silently merged', async () => {
    const before = hashTree(path.join(dir, 'dst'));
    const r = await runCliLikeCron(['run', '-c', cfg, '--all', '--max-jobs', '2', '--max-jobs', '3']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('--max-jobs given 2 times');
    expect(hashTree(path.join(dir, 'dst'))).to.equal(before);
  });

  it('control commands check their value before touching the state database', async () => {
    for (const argv of [['set-concurrency', 'abc'], ['set-concurrency', '0'], ['set-bandwidth', '-1'], ['pause', '--wait', 'soon']]) {
      const r = await runCliLikeCron([...argv, '-c', cfg, '-p', 'p']);
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).to.equal(2);
      expect(fs.existsSync(path.join(dir, 'out', 'state')), `${argv.join(' ')} created the state directory`).to.equal(false);
    }
  });

  it('on a terminal (pty): run --dryrun exits 2 and runs nothing', async () => {
    const before = hashTree(path.join(dir, 'dst'));
    const r = await runCliOnPty(['run', '-c', cfg, '--all', '--dryrun'], { timeoutMs: 60_000 });
    expect(r.code, r.output).to.equal(2);
    expect(r.output).to.contain('Unknown argument: dryrun');
    expect(hashTree(path.join(dir, 'dst'))).to.equal(before);
    expect(fs.existsSync(path.join(dir, 'out', 'state'))).to.equal(false);
  });
});
