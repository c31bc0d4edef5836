import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

/**
 * The rsync engine warns when rsync is older than 3.4.0 (it may follow a directory swapped for a
 * link mid-run: docs/safety.md). The version probe runs beside the copies, not before them: the
 * warning must still reach the log of a run that ends before the probe answers.
 */
describe('rsync older than 3.4.0: the warning reaches the run\'s log (real CLI, like cron)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-oldrsync-'); });
  afterEach(() => removeTemp(dir));

  const run = async (version: string, answerAfterSeconds = 0): Promise<{ code: number | null; stderr: string; log: string }> => {
    makeTree(path.join(dir, 'src'), { 'a.txt': 'one', d: { 'b.txt': 'two' } });
    makeTree(path.join(dir, 'beside'), { 'keep.txt': 'untouched' });
    const beside = hashTree(path.join(dir, 'beside'));
    // The real rsync for every copy; only --version answers as an older one would.
    const fake = path.join(dir, 'rsync-old');
    fs.writeFileSync(fake, `#!/bin/sh\nif [ "$1" = --version ]; then sleep ${answerAfterSeconds}; echo "rsync  version ${version}  protocol version 31"; exit 0; fi\nexec rsync "$@"\n`, { mode: 0o755 });
    const cfg = path.join(dir, 'robocurse.json');
    fs.writeFileSync(cfg, JSON.stringify({
      version: 1, global: { logDir: 'logs', stateDir: 'state' },
      profiles: { data: { source: 'src', destination: 'dst', engine: 'rsync', engineOptions: { rsync: { executable: fake } } } },
    }));
    const r = await runCliLikeCron(['run', '--config', cfg, '--all', '--json'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.summary?.outcome).to.equal('Success');
    expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
    expect(hashTree(path.join(dir, 'beside'))).to.equal(beside);
    const logs = fs.readdirSync(path.join(dir, 'logs')).filter((f) => /^robocurse-.*\.log$/.test(f));
    return { code: r.code, stderr: r.stderr, log: logs.map((f) => fs.readFileSync(path.join(dir, 'logs', f), 'utf8')).join('') };
  };

  const warnedIn = (r: { stderr: string; log: string }, version: string): void => {
    expect(r.stderr).to.contain(`rsync ${version} may follow a directory that is swapped for a symbolic link`);
    const lines = r.log.trim().split('\n').map((l) => JSON.parse(l) as { msg?: string; level?: number });
    expect(lines.filter((l) => l.msg?.startsWith(`rsync ${version} may follow`)).map((l) => l.level), 'once, as a warning, in the session log').to.deep.equal([40]);
  };

  it('3.2.7: the warning in stderr and in the session log; the copy exact', async () => {
    warnedIn(await run('3.2.7'), '3.2.7');
  });

  it('3.3.0 answering only after the copy has ended: the run waits for it, the warning is still there', async () => {
    warnedIn(await run('3.3.0', 2), '3.3.0');
  });

  it('3.4.0: no such warning', async () => {
    const r = await run('3.4.0');
    expect(r.stderr).to.not.contain('may follow a directory');
    expect(r.log).to.not.contain('may follow a directory');
  });
});
