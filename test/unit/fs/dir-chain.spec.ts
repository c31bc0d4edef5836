import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { walkDirChain } from '../../../src/fs/dir-chain';
import { HOST_DIR_MODE, openDir, openDirSync, closeDirSync, withDir, at, type DirMode } from '../../../src/fs/dir-ref';
import { removeTree } from '../../../src/fs/remove-tree';
import { hashTree } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

const MODES: DirMode[] = HOST_DIR_MODE === 'proc' ? ['proc', 'path'] : ['path'];

describe('directory references', () => {
  it('this Linux host reaches open directories through /proc/self/fd', function () {
    if (process.platform !== 'linux') this.skip(); // the probe is Linux-only by design
    expect(HOST_DIR_MODE).to.equal('proc');
  });
});

for (const mode of MODES) {
  describe(`walkDirChain and checked directories (${mode} mode)`, () => {
    let root: string; let victim: string; let victimHash: string;
    beforeEach(() => {
      root = tempDir('robocurse-dir-chain-');
      victim = path.join(root, 'victim');
      makeTree(victim, { 'keep.txt': 'v', inner: { 'x.txt': 'x' } });
      victimHash = hashTree(victim);
    });
    afterEach(() => {
      expect(hashTree(victim)).to.equal(victimHash);
      removeTemp(root);
    });

    it('follows the root the admin chose, but no link below it', async () => {
      makeTree(path.join(root, 'real'), { a: { b: {} } });
      fs.symlinkSync(path.join(root, 'real'), path.join(root, 'root-link'));
      const ok = await walkDirChain(path.join(root, 'root-link'), ['a', 'b'], { mode, create: false, replace: false });
      expect(ok.status).to.equal('ok');
      fs.symlinkSync(victim, path.join(root, 'real', 'a', 'c'));
      const blocked = await walkDirChain(path.join(root, 'root-link'), ['a', 'c'], { mode, create: false, replace: false });
      expect(blocked).to.deep.include({ status: 'blocked', path: path.join(root, 'root-link', 'a', 'c'), kind: 'symbolic link', target: victim });
    });

    it('reports the first missing component, or creates what is missing', async () => {
      fs.mkdirSync(path.join(root, 'r'));
      expect(await walkDirChain(path.join(root, 'r'), ['x', 'y'], { mode, create: false, replace: false }))
        .to.deep.equal({ status: 'missing', path: path.join(root, 'r', 'x'), replaced: [] });
      const made = await walkDirChain(path.join(root, 'r'), ['x', 'y'], { mode, create: true, replace: false });
      expect(made.status).to.equal('ok');
      expect(made.status === 'ok' && made.created).to.deep.equal([path.join(root, 'r', 'x'), path.join(root, 'r', 'x', 'y')]);
      expect(fs.statSync(path.join(root, 'r', 'x', 'y')).isDirectory()).to.equal(true);
    });

    it('replaces a link or a file where a directory belongs, never touching the link target', async () => {
      fs.mkdirSync(path.join(root, 'r'));
      fs.symlinkSync(victim, path.join(root, 'r', 'a'));
      fs.writeFileSync(path.join(root, 'r', 'b'), 'a file in the way');
      const r1 = await walkDirChain(path.join(root, 'r'), ['a', 'inner'], { mode, create: true, replace: true });
      expect(r1.status).to.equal('ok');
      expect(r1.replaced).to.deep.equal([{ path: path.join(root, 'r', 'a'), kind: 'symbolic link', target: victim }]);
      expect(fs.lstatSync(path.join(root, 'r', 'a')).isDirectory()).to.equal(true);
      const r2 = await walkDirChain(path.join(root, 'r'), ['b'], { mode, create: true, replace: true });
      expect(r2.replaced).to.deep.equal([{ path: path.join(root, 'r', 'b'), kind: 'file' }]);
    });

    it('openDir refuses a directory that was swapped for a link or another directory since it was seen', async () => {
      makeTree(root, { d: { 'f.txt': 'f' } });
      const r = await walkDirChain(root, ['d'], { mode, create: false, replace: false });
      if (r.status !== 'ok') throw new Error('setup');
      await withDir(r.ref, mode, async (dd) => { expect(fs.readFileSync(at(dd, 'f.txt'), 'utf8')).to.equal('f'); });
      fs.renameSync(path.join(root, 'd'), path.join(root, 'd.moved'));
      fs.symlinkSync(path.join(root, 'd.moved'), path.join(root, 'd'));
      let err: NodeJS.ErrnoException | undefined;
      try { await openDir(r.ref, mode); } catch (e) { err = e as NodeJS.ErrnoException; }
      expect(err?.code).to.equal('ECHANGED');
      expect(() => openDirSync(r.ref, mode)).to.throw(/changed during the copy/);
      fs.unlinkSync(path.join(root, 'd'));
      fs.mkdirSync(path.join(root, 'd'));
      expect(() => openDirSync(r.ref, mode)).to.throw(/changed during the copy/);
    });

    // path mode reaches names by path: the window docs/safety.md documents, so no such test there.
    if (mode === 'proc') it('names inside an open directory keep reaching it after it moved (openat semantics)', () => {
      makeTree(root, { d: {} });
      const st = fs.statSync(path.join(root, 'd'));
      const dd = openDirSync({ path: path.join(root, 'd'), dev: st.dev, ino: st.ino }, mode);
      try {
        fs.renameSync(path.join(root, 'd'), path.join(root, 'd.moved'));
        fs.symlinkSync(victim, path.join(root, 'd'));
        fs.writeFileSync(at(dd, 'new.txt'), 'written after the swap');
      } finally {
        closeDirSync(dd);
      }
      expect(fs.readFileSync(path.join(root, 'd.moved', 'new.txt'), 'utf8')).to.equal('written after the swap');
    });

    it('removeTree removes a tree with links inside as links, the targets untouched', async () => {
      makeTree(root, { x: { 'a.txt': 'a', deep: { deeper: { 'b.txt': 'b' } } } });
      fs.symlinkSync(victim, path.join(root, 'x', 'to-victim'));
      fs.symlinkSync(path.join(victim, 'keep.txt'), path.join(root, 'x', 'deep', 'file-link'));
      const st = fs.statSync(root);
      await withDir({ path: root, dev: st.dev, ino: st.ino }, mode, (dd) => removeTree(dd, 'x', mode));
      expect(fs.existsSync(path.join(root, 'x'))).to.equal(false);
    });
  });
}
