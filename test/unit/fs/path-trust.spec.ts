import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathTrustProblem, treeTrustProblem } from '../../../src/fs/path-trust';
import { removeTemp, tempDir } from '../../helpers/make-tree';
import { NOBODY } from '../../helpers/other-user';

describe('pathTrustProblem (StrictModes-like check)', function () {
  let dir: string;
  before(function () {
    if (process.getuid?.() !== 0) this.skip(); // why: chown to another user needs root (present here and in CI)
  });
  beforeEach(() => { dir = tempDir('robocurse-trust-unit-'); fs.chmodSync(dir, 0o755); });
  afterEach(() => removeTemp(dir));

  const mk = (rel: string, mode: number, uid = 0): string => {
    const p = path.join(dir, rel);
    fs.mkdirSync(p, { recursive: true });
    fs.chmodSync(p, mode);
    fs.chownSync(p, uid, uid);
    return p;
  };

  it('accepts a chain owned by the user or root and writable by no one else', () => {
    expect(pathTrustProblem(mk('a/b', 0o700))).to.equal(undefined);
    expect(pathTrustProblem(path.join(dir, 'a/b/not-yet-created'))).to.equal(undefined);
  });

  it('refuses a component owned by another user, naming it', () => {
    mk('a', 0o755, NOBODY.uid);
    const p = mk('a/b', 0o700);
    expect(pathTrustProblem(p)).to.deep.include({ at: path.join(dir, 'a') });
    expect(pathTrustProblem(p)?.reason).to.match(/owned by nobody \(uid 65534\)/);
  });

  it('refuses group- and world-writable components; a sticky folder above is fine, as the path itself it is not', () => {
    expect(pathTrustProblem(mk('g/x', 0o700)) ?? 'ok').to.equal('ok');
    fs.chmodSync(path.join(dir, 'g'), 0o775);
    expect(pathTrustProblem(path.join(dir, 'g/x'))?.reason).to.equal('is writable by its group (mode 0775)');
    const sticky = mk('t', 0o1777);
    expect(pathTrustProblem(mk('t/mine', 0o700))).to.equal(undefined);
    expect(pathTrustProblem(sticky)?.reason).to.equal('is writable by every user (mode 01777)');
    expect(pathTrustProblem(sticky, { strictLeaf: false })).to.equal(undefined);
  });

  it('checks a link\'s owner and where it leads', () => {
    const target = mk('shared', 0o777);
    fs.symlinkSync(target, path.join(dir, 'link'));
    expect(pathTrustProblem(path.join(dir, 'link'))).to.deep.include({ at: target });
    const safe = mk('safe', 0o700);
    fs.symlinkSync(safe, path.join(dir, 'their-link'));
    fs.lchownSync(path.join(dir, 'their-link'), NOBODY.uid, NOBODY.gid);
    expect(pathTrustProblem(path.join(dir, 'their-link'))?.reason).to.match(/owned by nobody/);
  });

  it('treeTrustProblem: finds a writable file deep in a plugin folder, and a link inside leading to one', () => {
    const pkg = mk('pkg/lib', 0o755);
    fs.writeFileSync(path.join(pkg, 'a.js'), '');
    expect(treeTrustProblem(path.join(dir, 'pkg'))).to.equal(undefined);
    fs.chmodSync(path.join(pkg, 'a.js'), 0o646);
    expect(treeTrustProblem(path.join(dir, 'pkg'))).to.deep.include({ at: path.join(pkg, 'a.js'), reason: 'is writable by every user (mode 0646)' });
    fs.chmodSync(path.join(pkg, 'a.js'), 0o644);
    const outside = mk('outside', 0o777);
    fs.symlinkSync(outside, path.join(pkg, 'dep'));
    expect(treeTrustProblem(path.join(dir, 'pkg'))).to.deep.include({ at: outside });
  });
});
