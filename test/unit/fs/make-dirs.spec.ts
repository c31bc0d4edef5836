import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeDirs, makeDirsSync } from '../../../src/fs/make-dirs';
import { removeTemp, tempDir } from '../../helpers/make-tree';

/** Node's recursive mkdir spins forever under /proc; ours answers. Both flavours, the same cases. */
for (const [flavour, make] of [['sync', async (d: string, m?: number) => makeDirsSync(d, m)], ['async', makeDirs]] as const) {
  describe(`makeDirs (${flavour}, src/fs/make-dirs.ts)`, () => {
    let dir: string;
    beforeEach(() => { dir = tempDir('robocurse-make-dirs-'); });
    afterEach(() => removeTemp(dir));

    it('makes the missing directories and returns the first (topmost) it made, as fs.mkdirSync(recursive) does', async () => {
      const deep = path.join(dir, 'a', 'b', 'c');
      expect(await make(deep, 0o700)).to.equal(path.join(dir, 'a'));
      expect(fs.statSync(deep).isDirectory()).to.equal(true);
      expect(fs.statSync(path.join(dir, 'a')).mode & 0o077, 'the mode (under the umask) on each').to.equal(0);
      expect(await make(deep)).to.equal(undefined);
      expect(await make(path.join(dir, 'a', 'b', 'd'))).to.equal(path.join(dir, 'a', 'b', 'd'));
    });

    it('a file in the way fails as Node does (EEXIST on the path, ENOTDIR below it)', async () => {
      fs.writeFileSync(path.join(dir, 'file'), 'x');
      const codeOf = (p: Promise<unknown>): Promise<string | undefined> => p.then(() => undefined, (e: NodeJS.ErrnoException) => e.code);
      expect(await codeOf(make(path.join(dir, 'file')))).to.equal('EEXIST');
      expect(await codeOf(make(path.join(dir, 'file', 'sub', 'deeper')))).to.equal('ENOTDIR');
    });

    it('a path under /proc (ENOENT with its parent there) fails at once with ENOENT instead of spinning', async function () {
      // No procfs here: nothing that answers this way to try it on.
      if (!fs.existsSync('/proc/self')) this.skip();
      const started = Date.now();
      const code = await make('/proc/robocurse-no-such/child').then(() => undefined, (e: NodeJS.ErrnoException) => e.code);
      expect(code).to.equal('ENOENT');
      expect(Date.now() - started).to.be.below(2000);
    });

    it('a dangling link in the path fails (EEXIST on the link), making nothing where it points', async () => {
      fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
      const err = await make(path.join(dir, 'dangling', 'sub')).then(() => undefined, (e: NodeJS.ErrnoException) => e);
      expect([err?.code, err?.path]).to.deep.equal(['EEXIST', path.join(dir, 'dangling')]);
      expect(fs.existsSync(path.join(dir, 'nowhere'))).to.equal(false);
    });
  });
}
