import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';
import type { Chunk } from '../../../src/api';
import { probeCaseSensitivity } from '../../../src/fs/case-sensitivity';
import { finalizeSplitDirectories } from '../../../src/orchestrator/finalize-split-dirs';
import { mountCaseInsensitive, type CaseInsensitiveMount } from '../../helpers/case-insensitive-fs';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { makeProfile } from '../../helpers/profiles';

const isRoot = process.getuid?.() === 0;

function chunk(relPath: string, kind: Chunk['kind'] = 'tree'): Chunk {
  return { id: relPath + kind, profile: 'p', kind, relPath, sourcePath: '', destinationPath: '', depth: 0, estimatedFiles: 0, estimatedBytes: 0 };
}

describe('destination case sensitivity, on real file systems', function () {
  this.timeout(60_000);
  let dir: string;
  let ci: CaseInsensitiveMount | undefined;
  before(function () {
    // Loop devices and mounts need root; the CI runs as root, so this never skips there.
    if (!isRoot) this.skip();
    ci = mountCaseInsensitive();
  });
  after(() => ci?.dispose());
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => {
    removeTemp(dir);
    if (ci) for (const n of fs.readdirSync(ci.mountPoint)) fs.rmSync(path.join(ci.mountPoint, n), { recursive: true, force: true });
  });

  it('a case-sensitive destination (the temp dir) probes as such, from an entry and with a probe file', async () => {
    fs.mkdirSync(path.join(dir, 'withEntry'));
    fs.writeFileSync(path.join(dir, 'withEntry', 'Finance'), 'x');
    fs.mkdirSync(path.join(dir, 'empty'));
    expect(await probeCaseSensitivity(path.join(dir, 'withEntry'), { mayWrite: false })).to.deep.equal({ caseInsensitive: false, how: 'entry' });
    expect(await probeCaseSensitivity(path.join(dir, 'empty'), { mayWrite: true })).to.deep.equal({ caseInsensitive: false, how: 'probe-file' });
    expect(fs.readdirSync(path.join(dir, 'empty')), 'the probe file is removed').to.deep.equal([]);
  });

  it('a case-insensitive destination (vfat or exFAT) probes as such, from an entry and with a probe file', async () => {
    const root = ci!.mountPoint;
    expect(await probeCaseSensitivity(root, { mayWrite: true })).to.deep.equal({ caseInsensitive: true, how: 'probe-file' });
    expect(fs.readdirSync(root), 'the probe file is removed').to.deep.equal([]);
    fs.mkdirSync(path.join(root, 'finance'));
    expect(await probeCaseSensitivity(root, { mayWrite: false })).to.deep.equal({ caseInsensitive: true, how: 'entry' });
    expect(fs.readdirSync(root)).to.deep.equal(['finance']);
  });

  it('a root too large to list cheaply (over 10,000 entries) is probed with a probe file, or assumed in a dry run', async () => {
    const big = path.join(dir, 'big');
    fs.mkdirSync(big);
    for (let i = 0; i <= 10_000; i++) fs.writeFileSync(path.join(big, `f${i}`), '');
    expect(await probeCaseSensitivity(big, { mayWrite: true })).to.deep.equal({ caseInsensitive: false, how: 'probe-file' });
    expect((await probeCaseSensitivity(big, { mayWrite: false })).reason).to.match(/too large/);
    expect(fs.readdirSync(big)).to.have.length(10_001);
  });

  it('a missing, read-only, or (in a dry run) empty destination: the platform default, and why', async () => {
    const missing = await probeCaseSensitivity(path.join(dir, 'nope'), { mayWrite: true, platform: 'linux' });
    expect(missing).to.deep.include({ caseInsensitive: false, how: 'assumed' });
    expect(missing.reason).to.match(/does not exist/);
    const win = await probeCaseSensitivity(path.join(dir, 'nope'), { mayWrite: true, platform: 'win32' });
    expect(win.caseInsensitive).to.equal(true);
    fs.mkdirSync(path.join(dir, 'empty'));
    expect((await probeCaseSensitivity(path.join(dir, 'empty'), { mayWrite: false, platform: 'linux' })).reason).to.match(/dry run/);
    const ro = path.join(dir, 'ro');
    fs.mkdirSync(ro);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro]).status).to.equal(0);
    try {
      const r = await probeCaseSensitivity(ro, { mayWrite: true, platform: 'linux' });
      expect(r).to.deep.include({ caseInsensitive: false, how: 'assumed' });
      expect(r.reason).to.match(/no probe file could be created .*EROFS/);
    } finally {
      spawnSync('umount', [ro]);
    }
  });

  it('finalize on the case-insensitive destination never deletes `finance` for the source\'s `Finance`, even told the wrong sensitivity', async () => {
    // The file system resolves `Finance` to `finance`: that answer alone keeps it (no inode
    // numbers needed: FUSE exFAT gives each spelling its own).
    const root = ci!.mountPoint;
    makeTree(path.join(dir, 'src'), { Finance: { 'q1.xls': 'q1' }, HR: { 'a.txt': 'a' } });
    makeTree(root, { finance: { 'q1.xls': 'q1' }, HR: { 'a.txt': 'a' }, stale: 's' });
    const profile = makeProfile('p', { source: path.join(dir, 'src'), destination: root, mirror: true });
    const res = await finalizeSplitDirectories(profile, profile.source, [chunk('Finance'), chunk('HR')],
      { dryRun: false, logger: pino({ level: 'silent' }), destinationCase: { caseInsensitive: false, how: 'entry' } });
    expect(res.extrasRemoved).to.deep.equal(['stale']);
    expect(fs.readFileSync(path.join(root, 'finance', 'q1.xls'), 'utf8')).to.equal('q1');
  });
});
