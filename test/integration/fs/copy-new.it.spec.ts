import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KEEP } from '../../../src/engines/native/keep-flags';
import { COPY_FLAG, COPY_NEW, COPY_RESULT, fsx } from '../../../src/fs/fsx';
import { mountCaseInsensitive } from '../../helpers/case-insensitive-fs';
import { removeTemp, tempDir, tempDirAcross } from '../../helpers/make-tree';

/**
 * The helper's whole copy of a new file in one call (native/fsx.c copyNew), the full copy's hot
 * path: open without following a link, the checks on the descriptor, the copy under a temp name
 * with mode and times, the rename. What must hold: exact bytes, mode and times; nothing created
 * for a file it leaves to the general path or hands back; no temp name left by a failure; never a
 * write through a link, on either side.
 */
describe('file-system helper: copyNew (a new file in one call)', function () {
  this.timeout(60_000);
  let dir: string;
  let src: string;
  let dst: string;
  let shm: string;
  before(function () {
    expect(fsx?.copyNew, 'robocurse\'s file-system helper must be built here with copyNew').to.be.a('function');
  });
  beforeEach(() => {
    dir = tempDir('robocurse-copynew-');
    src = path.join(dir, 'src');
    dst = path.join(dir, 'dst');
    fs.mkdirSync(src);
    fs.mkdirSync(dst);
    shm = tempDirAcross(dir, 'robocurse-copynew-');
  });
  afterEach(() => { removeTemp(dir); removeTemp(shm); });

  const PLAIN = KEEP.owners | KEEP.modes | KEEP.xattrs | KEEP.acls | KEEP.hardLinks | KEEP.sparse;
  const FLAGS = COPY_FLAG.tryClone | COPY_FLAG.tryRange;
  const me = { uid: process.geteuid!(), gid: process.getegid!() };

  /** copyNew of `name` from `from` into `to` (temp name `.name.tmp`), with both directories open. */
  function copyNew(name: string, o: { from?: string; to?: string; keep?: number; maxBytes?: number; dstName?: string; uid?: number; flags?: number } = {}): number {
    const sd = fs.openSync(o.from ?? src, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    const dd = fs.openSync(o.to ?? dst, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      return fsx!.copyNew!(sd, name, dd, `.${name}.tmp`, o.dstName ?? name, o.flags ?? FLAGS, o.maxBytes ?? 1 << 30, o.keep ?? PLAIN, o.uid ?? me.uid, me.gid);
    } finally {
      fs.closeSync(sd);
      fs.closeSync(dd);
    }
  }

  function expectSame(a: string, b: string): void {
    expect(crypto.createHash('sha256').update(fs.readFileSync(b)).digest('hex'), b).to.equal(crypto.createHash('sha256').update(fs.readFileSync(a)).digest('hex'));
    const x = fs.lstatSync(a, { bigint: true });
    const y = fs.lstatSync(b, { bigint: true });
    expect([y.size, y.mode, y.mtimeNs], b).to.deep.equal([x.size, x.mode, x.mtimeNs]);
  }

  const entries = (d: string): string[] => fs.readdirSync(d).sort();

  for (const [how, flags] of [['by temp name', FLAGS], ['as an unnamed file linked into place', FLAGS | COPY_FLAG.tryTmpfile]] as const) {
  it(`copies exactly (0 B to 3 MiB, odd modes, set-id bits), within and across file systems, ${how}; answers size * 32 + the result bits; no temp name left`, () => {
    const sizes = [0, 1, 4095, 65_537, 3 * 1024 * 1024 + 7];
    const modes = [0o644, 0o600, 0o4755, 0o2640, 0o1777];
    sizes.forEach((size, i) => {
      const name = `f${i}`;
      fs.writeFileSync(path.join(src, name), crypto.randomBytes(size));
      fs.chmodSync(path.join(src, name), modes[i]);
      execFileSync('touch', ['-m', '-d', `2019-0${i + 1}-02 03:04:05.${String(123456789 + i).padStart(9, '0')}`, path.join(src, name)]);
      for (const to of [dst, shm]) {
        const got = copyNew(name, { to, flags });
        expect(Math.floor(got / 32), `${to} ${name}`).to.equal(size);
        expect(got % 32 & (COPY_RESULT.sourceChanged | COPY_RESULT.tmpfileUnusable), `${to} ${name}`).to.equal(0); // tmpfs and ext4 make unnamed files
        expectSame(path.join(src, name), path.join(to, name));
        expect(fs.statSync(path.join(to, name)).nlink).to.equal(1);
      }
    });
    expect(entries(dst)).to.deep.equal(['f0', 'f1', 'f2', 'f3', 'f4']);
    expect(entries(shm)).to.deep.equal(['f0', 'f1', 'f2', 'f3', 'f4']);
  });
  }

  it('a link, a FIFO or a directory where the listing saw a file: not a file, nothing followed, opened or created', () => {
    const secret = path.join(dir, 'secret');
    fs.writeFileSync(secret, 'secret');
    fs.symlinkSync(secret, path.join(src, 'link'));
    execFileSync('mkfifo', [path.join(src, 'fifo')]);
    fs.mkdirSync(path.join(src, 'sub'));
    for (const name of ['link', 'fifo', 'sub']) expect(copyNew(name), name).to.equal(COPY_NEW.notFile);
    expect(entries(dst)).to.deep.equal([]);
  });

  it('hands back a file above maxBytes, a name of a hard-linked inode and a sparse file, as keep asks; nothing created', () => {
    fs.writeFileSync(path.join(src, 'big'), Buffer.alloc(5000, 1));
    fs.writeFileSync(path.join(src, 'linked'), 'x');
    fs.linkSync(path.join(src, 'linked'), path.join(src, 'linked2'));
    const fd = fs.openSync(path.join(src, 'sparse'), 'w');
    fs.writeSync(fd, 'end', 8 * 1024 * 1024);
    fs.closeSync(fd);
    expect(copyNew('big', { maxBytes: 4999 })).to.equal(COPY_NEW.handBack);
    expect(copyNew('linked')).to.equal(COPY_NEW.handBack);
    expect(copyNew('sparse')).to.equal(COPY_NEW.handBack);
    expect(entries(dst)).to.deep.equal([]);
    // Not asked to keep them: copied here.
    expect(Math.floor(copyNew('linked', { keep: PLAIN & ~KEEP.hardLinks }) / 32)).to.equal(1);
    expect(Math.floor(copyNew('sparse', { keep: PLAIN & ~KEEP.sparse }) / 32)).to.equal(8 * 1024 * 1024 + 3);
    expectSame(path.join(src, 'sparse'), path.join(dst, 'sparse'));
  });

  it('leaves to the general path, untouched, what it does not give: another owner, modes under the umask, atimes, written data', () => {
    fs.writeFileSync(path.join(src, 'f'), 'data');
    expect(copyNew('f', { uid: me.uid + 1 })).to.equal(COPY_NEW.general);
    expect(copyNew('f', { keep: PLAIN & ~KEEP.modes })).to.equal(COPY_NEW.general);
    expect(copyNew('f', { keep: PLAIN | KEEP.atimes })).to.equal(COPY_NEW.general);
    expect(copyNew('f', { keep: PLAIN | KEEP.noClone })).to.equal(COPY_NEW.general);
    expect(entries(dst)).to.deep.equal([]);
    // Owners not kept: whoever owns it, copied here.
    expect(Math.floor(copyNew('f', { uid: me.uid + 1, keep: PLAIN & ~KEEP.owners }) / 32)).to.equal(4);
  });

  it('leaves a file with extended attributes to the general path when they are kept, and copies it when they are not', function () {
    const f = path.join(src, 'x');
    fs.writeFileSync(f, 'data');
    try { fsx!.lsetxattr(f, 'user.robocurse', Buffer.from('1')); } catch { this.skip(); } // the temp file system takes no user.* attributes (tmpfs and ext4 here and in CI do)
    expect(copyNew('x')).to.equal(COPY_NEW.general);
    expect(copyNew('x', { keep: PLAIN & ~KEEP.xattrs })).to.equal(COPY_NEW.general); // ACLs kept: any attribute may be one
    expect(entries(dst)).to.deep.equal([]);
    expect(Math.floor(copyNew('x', { keep: PLAIN & ~(KEEP.xattrs | KEEP.acls) }) / 32)).to.equal(4);
  });

  it('a vanished source, a taken temp name, a directory in the way: the error by its code, no temp name left, nothing else changed', () => {
    expect(() => copyNew('gone')).to.throw().with.property('code', 'ENOENT');
    fs.writeFileSync(path.join(src, 'f'), 'new');
    fs.writeFileSync(path.join(dst, '.f.tmp'), 'someone else\'s');
    expect(() => copyNew('f')).to.throw().with.property('code', 'EEXIST');
    expect(fs.readFileSync(path.join(dst, '.f.tmp'), 'utf8')).to.equal('someone else\'s');
    fs.rmSync(path.join(dst, '.f.tmp'));
    fs.mkdirSync(path.join(dst, 'f'));
    fs.writeFileSync(path.join(dst, 'f', 'inside'), 'kept');
    for (const flags of [FLAGS, FLAGS | COPY_FLAG.tryTmpfile]) {
      expect(() => copyNew('f', { flags })).to.throw().with.property('code').that.is.oneOf(['EISDIR', 'ENOTEMPTY', 'EEXIST']);
      expect(entries(dst), String(flags)).to.deep.equal(['f']);
      expect(fs.readFileSync(path.join(dst, 'f', 'inside'), 'utf8')).to.equal('kept');
    }
  });

  for (const [how, flags] of [['by temp name', FLAGS], ['as an unnamed file', FLAGS | COPY_FLAG.tryTmpfile]] as const) {
    it(`${how}: a file or a link standing at the destination name since the listing is replaced itself, never written through`, () => {
      const victim = path.join(dir, 'victim');
      fs.writeFileSync(victim, 'victim data');
      fs.symlinkSync(victim, path.join(dst, 'l'));
      fs.writeFileSync(path.join(dst, 'f'), 'old');
      fs.writeFileSync(path.join(src, 'l'), 'new l');
      fs.writeFileSync(path.join(src, 'f'), 'new f');
      copyNew('l', { flags });
      copyNew('f', { flags });
      expect(fs.lstatSync(path.join(dst, 'l')).isFile()).to.equal(true);
      expect(fs.readFileSync(path.join(dst, 'l'), 'utf8')).to.equal('new l');
      expect(fs.readFileSync(path.join(dst, 'f'), 'utf8')).to.equal('new f');
      expect(fs.readFileSync(victim, 'utf8')).to.equal('victim data');
      expect(entries(dst)).to.deep.equal(['f', 'l']);
    });
  }

  it('a file system that makes no unnamed files (FAT): tmpfileUnusable, and the copy placed by temp name, none left', function () {
    if (process.getuid?.() !== 0) this.skip(); // a loop mount needs root (CI runs as root)
    const fat = mountCaseInsensitive();
    try {
      fs.writeFileSync(path.join(src, 'f'), 'fat data');
      const got = copyNew('f', { to: fat.mountPoint, flags: FLAGS | COPY_FLAG.tryTmpfile, keep: PLAIN & ~KEEP.owners });
      expect(got % 32 & COPY_RESULT.tmpfileUnusable).to.equal(COPY_RESULT.tmpfileUnusable);
      expect(Math.floor(got / 32)).to.equal(8);
      expect(fs.readFileSync(path.join(fat.mountPoint, 'f'), 'utf8')).to.equal('fat data');
      expect(entries(fat.mountPoint)).to.deep.equal(['f']);
    } finally {
      fat.dispose();
    }
  });
});
