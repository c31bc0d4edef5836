import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

/**
 * A profile that asks for something its run cannot keep must not end as a plain Success: the
 * admin reading the cron mail or the --json summary has to see that the replica lacks it.
 */
describe('a replica that lacks what the profile asked for is a Warning, through the CLI run like cron', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('robocurse-asked-');
    makeTree(path.join(dir, 'src'), { docs: { 'a.txt': 'alpha' }, 'b.txt': 'beta' });
    execFileSync('setfattr', ['-n', 'user.tag', '-v', 'important', path.join(dir, 'src', 'docs', 'a.txt')]);
    makeTree(path.join(dir, 'victim'), { 'keep.txt': 'untouched' });
  });
  afterEach(() => removeTemp(dir));

  const config = (preserve?: Record<string, boolean>): string => {
    const file = path.join(dir, 'robocurse.json');
    fs.writeFileSync(file, JSON.stringify({
      version: 1,
      global: { logDir: path.join(dir, 'logs'), stateDir: path.join(dir, 'state') },
      profiles: { p: { source: path.join(dir, 'src'), destination: path.join(dir, 'dst'), engine: 'native', ...(preserve ? { preserve } : {}) } },
    }));
    return file;
  };
  // Without robocurse's file-system helper the native engine cannot keep extended attributes.
  const noHelper = { ROBOCURSE_FSX: 'off' };

  it('xattrs asked for but not keepable: exit 0, the data copied, outcome Warning naming preserve.xattrs', async () => {
    const victim = hashTree(path.join(dir, 'victim'));
    const r = await runCliLikeCron(['run', '--config', config({ xattrs: true }), '--all', '--json'], { cwd: dir, env: noHelper });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.summary!.outcome).to.equal('Warning');
    const p = (r.summary!.profiles as Array<Record<string, unknown>>)[0];
    expect(p.result).to.equal('Warning');
    expect(p.chunksWarning, 'no chunk warned: the run itself lacks what was asked').to.equal(0);
    expect(p.replicaProblems).to.be.an('array').with.length(1);
    expect((p.replicaProblems as string[])[0]).to.match(/^preserve\.xattrs: extended attributes are not kept: .*helper is disabled by ROBOCURSE_FSX=off/);
    expect(fs.readFileSync(path.join(dir, 'dst', 'docs', 'a.txt'), 'utf8')).to.equal('alpha');
    expect(fs.readFileSync(path.join(dir, 'dst', 'b.txt'), 'utf8')).to.equal('beta');
    expect(hashTree(path.join(dir, 'victim')), 'nothing outside the destination touched').to.equal(victim);

    // The text summary (cron mail without --json) says it too.
    const text = await runCliLikeCron(['run', '--config', config({ xattrs: true }), '--all'], { cwd: dir, env: noHelper });
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.match(/p: Warning\n/);
    expect(text.stdout).to.contain('NOT KEPT preserve.xattrs: extended attributes are not kept');
  });

  it('the same key left at its default (only turned off for this run): a Success with no problems listed', async () => {
    const r = await runCliLikeCron(['run', '--config', config(), '--all', '--json'], { cwd: dir, env: noHelper });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.summary!.outcome).to.equal('Success');
    const p = (r.summary!.profiles as Array<Record<string, unknown>>)[0];
    expect(p.result).to.equal('Success');
    expect(p).to.not.have.property('replicaProblems');
  });

  it('with the helper the attribute is kept and the run is a Success', async () => {
    const r = await runCliLikeCron(['run', '--config', config({ xattrs: true }), '--all', '--json'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.summary!.outcome).to.equal('Success');
    expect(execFileSync('getfattr', ['--only-values', '-n', 'user.tag', path.join(dir, 'dst', 'docs', 'a.txt')], { encoding: 'utf8' })).to.equal('important');
  });
});
