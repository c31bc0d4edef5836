import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';
import { runCliLikeCron } from '../../helpers/cli-child';
import { mountCaseInsensitive, type CaseInsensitiveMount } from '../../helpers/case-insensitive-fs';
import { makeTree, readTree, removeTemp, tempDir } from '../../helpers/make-tree';

const isRoot = process.getuid?.() === 0;
const FAKE_ROBOCOPY = path.join(packageRoot(), 'test', 'fixtures', 'fake-robocopy', 'robocopy');

/**
 * Every file and directory under `root` keyed by its lower-cased path, files with their content.
 * vfat and exFAT keep neither modes nor owners, and keep a name's case as first created: the
 * replica is compared by names ignoring case and by contents, nothing else.
 */
function foldedTree(root: string): Record<string, string> {
  const out = new Map<string, string>();
  for (const [rel, e] of readTree(root)) {
    const key = rel.toLowerCase();
    if (out.has(key)) throw new Error(`${root}: two entries fold to ${key}`);
    out.set(key, e.type === 'file' ? e.content!.toString('utf8').slice(0, 40) : `<${e.type}>`);
  }
  return Object.fromEntries([...out].sort());
}

describe('a case-insensitive destination (vfat, or exFAT through FUSE), mirror, split directories (CLI like cron)', function () {
  this.timeout(120_000);
  let ci: CaseInsensitiveMount | undefined;
  let dir: string;
  before(function () {
    // Loop devices and mounts need root; the CI runs as root, so this never skips there.
    if (!isRoot) this.skip();
    ci = mountCaseInsensitive(128);
  });
  after(() => ci?.dispose());
  beforeEach(() => { dir = tempDir('robocurse-ci-'); });
  afterEach(() => {
    removeTemp(dir);
    if (ci) for (const n of fs.readdirSync(ci.mountPoint)) fs.rmSync(path.join(ci.mountPoint, n), { recursive: true, force: true });
  });

  const engines: Record<string, Record<string, unknown>> = {
    // FAT and exFAT keep coarse times. rsync compares whole seconds by default; robocopy is given
    // /FFT (two-second FAT times), as an admin would; the native engine has no such setting.
    native: { engine: 'native' },
    rsync: { engine: 'rsync' },
    robocopy: { engine: 'robocopy', engineOptions: { robocopy: { executable: FAKE_ROBOCOPY, switches: ['/COPY:DAT', '/FFT'] } } },
  };

  for (const [engine, settings] of Object.entries(engines)) {
    it(`${engine}: \`finance\` in the destination takes the source's \`Finance\` and is never deleted; the replica is complete; a re-run copies nothing`, async () => {
      const dst = ci!.mountPoint;
      makeTree(path.join(dir, 'src'), {
        Finance: { 'Q1.xls': 'q1 new', 'Budget.xls': 20_000, Reports: { 'r.txt': 'r' } },
        HR: { 'staff.txt': 'staff' }, 'Readme.txt': 'readme', other: { 'a.txt': 'a' },
      });
      // What an earlier copy by another tool left: other case, stale content, true extras.
      makeTree(dst, { finance: { 'q1.xls': 'old', 'stale.xls': 'stale', reports: { 'old.txt': 'o' } }, 'readme.txt': 'old readme', 'extra dir': { x: 'x' } });
      const file = path.join(dir, 'robocurse.json');
      fs.writeFileSync(file, JSON.stringify({
        version: 1, global: { logDir: 'logs', stateDir: 'state' },
        // maxChunkFiles 2 splits the root and Finance, so the finalize pass runs on both.
        profiles: { ci: { source: 'src', destination: dst, mirror: true, chunking: { maxChunkFiles: 2 }, retry: { maxAttempts: 1 }, ...settings } },
      }));

      const first = await runCliLikeCron(['run', '--config', file, '--all', '--log-level', 'info'], { cwd: dir });
      expect(first.code, first.stderr + first.stdout).to.equal(0);
      expect(first.stderr).to.match(/compares names ignoring case \(probed on an existing entry\)/);
      expect(foldedTree(dst)).to.deep.equal(foldedTree(path.join(dir, 'src')));
      expect(fs.readdirSync(dst).filter((n) => n.toLowerCase() === 'finance')).to.have.length(1);

      const again = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir });
      expect(again.code, again.stderr).to.equal(0);
      const p = (again.summary!.profiles as Array<Record<string, number>>)[0];
      expect([p.filesCopied, p.extrasRemoved], 'a re-run copies and removes nothing').to.deep.equal([0, 0]);
      expect(foldedTree(dst)).to.deep.equal(foldedTree(path.join(dir, 'src')));
    });
  }
});
