import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { confineProgram } from '../../../src/engines/rsync/confine';
import { runCliLikeCron } from '../../helpers/cli-child';
import { removeTemp, tempDir } from '../../helpers/make-tree';

/**
 * `validate` says when an rsync profile would run unconfined (docs/safety.md: robocurse-confine,
 * Landlock): the real CLI as cron runs it, with and without ROBOCURSE_CONFINE=off.
 */
describe('validate: rsync that cannot run confined is a warning (real CLI, like cron)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('validate-confine-');
    for (const d of ['src', 'dst']) fs.mkdirSync(path.join(dir, d));
  });
  afterEach(() => removeTemp(dir));

  const validate = async (profile: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; warnings: string[]; stderr: string }> => {
    const cfg = path.join(dir, 'robocurse.json');
    fs.writeFileSync(cfg, JSON.stringify({ version: 1, global: { logDir: path.join(dir, 'logs'), stateDir: path.join(dir, 'state') },
      profiles: { nightly: { source: path.join(dir, 'src'), destination: path.join(dir, 'dst'), ...profile } } }));
    const r = await runCliLikeCron(['validate', '--config', cfg, '--json'], { env });
    const line = r.lines.find((l) => l.valid === true) as { warnings?: string[] } | undefined;
    expect(line, r.stderr).to.not.equal(undefined);
    return { code: r.code, warnings: line!.warnings ?? [], stderr: r.stderr };
  };
  const unconfined = (w: string[]): string[] => w.filter((x) => x.includes('rsync cannot run confined here'));

  it('an rsync profile: warned only when robocurse-confine cannot run on this host', async () => {
    const r = await validate({ engine: 'rsync' });
    expect(r.code).to.equal(0);
    expect(unconfined(r.warnings)).to.have.length(confineProgram() ? 0 : 1);
  });

  it('ROBOCURSE_CONFINE=off: the warning names the profile key and the reason, in --json and on stderr; exit 0', async () => {
    const r = await validate({ engine: 'rsync', mirror: true }, { ROBOCURSE_CONFINE: 'off' });
    expect(r.code).to.equal(0);
    expect(unconfined(r.warnings)).to.deep.equal(['profiles.nightly.engine: rsync cannot run confined here (ROBOCURSE_CONFINE=off): an rsync older than 3.4.0 may then follow a directory swapped for a link mid-run outside the source and destination (docs/safety.md)']);
    expect(r.stderr).to.contain('robocurse: warning: profiles.nightly.engine: rsync cannot run confined here');
  });

  it('no warning for engineOptions.rsync.confine false (the admin chose) or for the native engine', async () => {
    expect(unconfined((await validate({ engine: 'rsync', engineOptions: { rsync: { confine: false } } }, { ROBOCURSE_CONFINE: 'off' })).warnings)).to.deep.equal([]);
    expect(unconfined((await validate({ engine: 'native' }, { ROBOCURSE_CONFINE: 'off' })).warnings)).to.deep.equal([]);
  });
});
