import { expect } from 'chai';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { needsRootReason, runAsNobody } from '../../helpers/other-user';

/** The daily file names a run started now could write to, whatever the time zone. */
function dayFiles(dir: string): string[] {
  const days = new Set<string>();
  for (const offsetH of [-24, 0, 24]) days.add(new Date(Date.now() + offsetH * 3600_000).toISOString().slice(0, 10));
  return [...days].map((d) => path.join(dir, `robocurse-siem-${d}.jsonl`));
}

const digest = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex') + fs.statSync(file).mode;

/**
 * Issue #14, item 6: the SIEM JSON Lines file is opened with O_NOFOLLOW: a symbolic link another
 * user planted at its name (in a shared, sticky log folder) is refused with a clear error, and the
 * file it points to is left untouched. A file another user planted there is refused too.
 */
describe('SIEM JSON Lines and a planted link (security, real processes)', function () {
  this.timeout(120_000);
  let dir: string;
  let siem: string;
  let victim: string;

  before(function () {
    if (needsRootReason()) this.skip(); // why: planting as another user needs root and runuser (both present here and in CI)
  });
  beforeEach(() => {
    dir = tempDir('robocurse-siemlink-');
    fs.chmodSync(dir, 0o755);
    makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'x' } });
    fs.mkdirSync(path.join(dir, 'private'), { mode: 0o700 });
    victim = path.join(dir, 'private', 'victim');
    fs.writeFileSync(victim, 'root:only\n', { mode: 0o600 });
    // A shared event folder, as /var/log/... sometimes is: everyone may add files, only owners may remove them.
    siem = path.join(dir, 'siem');
    fs.mkdirSync(siem);
    fs.chmodSync(siem, 0o1777);
    fs.writeFileSync(path.join(dir, 'robocurse.json'), JSON.stringify({
      version: 1, global: { stateDir: 'state', logDir: 'logs', plugins: [{ use: 'siem', options: { jsonl: { dir: 'siem' } } }] },
      profiles: { docs: { source: 'src', destination: 'dst' } },
    }));
  });
  afterEach(() => removeTemp(dir));

  it('refuses a symbolic link planted at the day\'s file name; the file it points to is unchanged', async () => {
    for (const f of dayFiles(siem)) runAsNobody(['ln', '-s', victim, f]);
    const before = digest(victim);
    const r = await runCliLikeCron(['run', '--all', '--json', '--config', path.join(dir, 'robocurse.json')]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.summary).to.deep.include({ outcome: 'Success' });
    expect(digest(victim)).to.equal(before);
    expect(r.stderr, r.stderr).to.match(/refusing to append SIEM events to \S+robocurse-siem-\d{4}-\d{2}-\d{2}\.jsonl: it is a symbolic link/);
  });

  it('refuses a link in a folder that is not shared too (O_NOFOLLOW: ELOOP), the target unchanged', async () => {
    fs.chmodSync(siem, 0o700);
    for (const f of dayFiles(siem)) fs.symlinkSync(victim, f);
    const before = digest(victim);
    const r = await runCliLikeCron(['run', '--all', '--json', '--config', path.join(dir, 'robocurse.json')]);
    expect(r.code, r.stderr).to.equal(0);
    expect(digest(victim)).to.equal(before);
    expect(r.stderr).to.match(/refusing to append SIEM events to \S+\.jsonl: it is a symbolic link/);
  });

  it('refuses an event folder that is another user\'s link (to a folder of root\'s); nothing is written there', async () => {
    fs.writeFileSync(path.join(dir, 'robocurse.json'), JSON.stringify({
      version: 1, global: { stateDir: 'state', logDir: 'logs', plugins: [{ use: 'siem', options: { jsonl: { dir: 'siem/events' } } }] },
      profiles: { docs: { source: 'src', destination: 'dst' } },
    }));
    runAsNobody(['ln', '-s', path.join(dir, 'private'), path.join(siem, 'events')]);
    const r = await runCliLikeCron(['run', '--all', '--json', '--config', path.join(dir, 'robocurse.json')]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.include(`refusing to write SIEM events into ${path.join(siem, 'events')}: ${path.join(siem, 'events')} is owned by nobody (uid 65534)`);
    expect(fs.readdirSync(path.join(dir, 'private'))).to.deep.equal(['victim']);
  });

  it('refuses a file another user planted at the day\'s file name', async () => {
    for (const f of dayFiles(siem)) runAsNobody(['sh', '-c', ': > "$1"', 'sh', f]);
    const r = await runCliLikeCron(['run', '--all', '--json', '--config', path.join(dir, 'robocurse.json')]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/refusing to append SIEM events to \S+\.jsonl: it is owned by nobody \(uid 65534\)/);
    for (const f of dayFiles(siem)) expect(fs.readFileSync(f, 'utf8')).to.equal('');
  });
});
