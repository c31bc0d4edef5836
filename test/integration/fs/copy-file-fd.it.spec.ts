import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COPY_FLAG, COPY_RESULT, fsx } from '../../../src/fs/fsx';
import { mountBtrfsLoop, type BtrfsLoop } from '../../helpers/btrfs-loop';
import { removeTemp, tempDir, tempDirAcross } from '../../helpers/make-tree';

/**
 * The helper's one-call copy of an open file (native/fsx.c copyFileFd), the native engine's
 * small-file hot path: exact bytes by every way of moving them (clone, copy_file_range, sendfile),
 * within and across file systems, the mode, the times to the nanosecond on the new descriptor,
 * never through or over an existing entry, and the old mtime when the source changed meanwhile;
 * and the rename on an open directory the copy thread makes with it (renameAt).
 */
describe('file-system helper: copyFileFd (one call per copied file)', function () {
  this.timeout(60_000);
  let dir: string;
  let shm: string;
  before(function () {
    expect(fsx?.copyFileFd, 'robocurse\'s file-system helper must be built here with copyFileFd').to.be.a('function');
  });
  beforeEach(() => {
    dir = tempDir('robocurse-copyfd-');
    shm = tempDirAcross(dir, 'robocurse-copyfd-');
  });
  afterEach(() => { removeTemp(dir); removeTemp(shm); });

  const copy = fsx!.copyFileFd!.bind(fsx) as NonNullable<NonNullable<typeof fsx>['copyFileFd']>;

  /** Copies `src` to `dst` through an open descriptor, as the batch does; returns the result bits. */
  function copyPath(src: string, dst: string, flags: number, mtimeMs?: number): number {
    const fd = fs.openSync(src, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      const st = fs.fstatSync(fd);
      return copy(fd, dst, st.mode & 0o7777, flags, mtimeMs ?? st.mtimeMs);
    } finally {
      fs.closeSync(fd);
    }
  }

  function expectSameFile(src: string, dst: string): void {
    expect(crypto.createHash('sha256').update(fs.readFileSync(dst)).digest('hex'), dst)
      .to.equal(crypto.createHash('sha256').update(fs.readFileSync(src)).digest('hex'));
    const a = fs.lstatSync(src, { bigint: true });
    const b = fs.lstatSync(dst, { bigint: true });
    expect([b.size, b.mode, b.mtimeNs], dst).to.deep.equal([a.size, a.mode, a.mtimeNs]);
  }

  for (const flags of [COPY_FLAG.tryClone | COPY_FLAG.tryRange, COPY_FLAG.tryRange, 0]) {
    it(`copies exactly (0 B to 3 MiB, odd sizes, odd modes), within and across file systems, flags ${flags}`, () => {
      const sizes = [0, 1, 4095, 65_536, 65_537, 3 * 1024 * 1024 + 7];
      sizes.forEach((size, i) => {
        const src = path.join(dir, `s${i}`);
        fs.writeFileSync(src, crypto.randomBytes(size));
        fs.chmodSync(src, [0o644, 0o600, 0o751, 0o4755, 0o2640, 0o1777][i]);
        execFileSync('touch', ['-m', '-d', `2019-0${(i % 9) + 1}-02 03:04:05.${String(123456789 + i).padStart(9, '0')}`, src]);
        for (const dst of [path.join(dir, `d${i}-f${flags}`), path.join(shm, `d${i}-f${flags}`)]) {
          const r = copyPath(src, dst, flags);
          expect(r & COPY_RESULT.sourceChanged, dst).to.equal(0);
          expectSameFile(src, dst);
        }
      });
    });
  }

  it('never writes over or through an existing entry: a file, a link to a file elsewhere, a dangling link', () => {
    const src = path.join(dir, 'src');
    fs.writeFileSync(src, 'new data');
    const victim = path.join(dir, 'victim');
    fs.writeFileSync(victim, 'keep me');
    const existing = path.join(dir, 'existing');
    fs.writeFileSync(existing, 'old');
    fs.symlinkSync(victim, path.join(dir, 'link'));
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
    for (const name of ['existing', 'link', 'dangling']) {
      expect(() => copyPath(src, path.join(dir, name), COPY_FLAG.tryClone | COPY_FLAG.tryRange), name).to.throw().with.property('code', 'EEXIST');
    }
    expect(fs.readFileSync(victim, 'utf8')).to.equal('keep me');
    expect(fs.readFileSync(existing, 'utf8')).to.equal('old');
    expect(fs.existsSync(path.join(dir, 'nowhere'))).to.equal(false);
  });

  it('a source changed since its stat: the copy gets the old mtime (to the microsecond) and says so; an unchanged one its own', () => {
    const src = path.join(dir, 'src');
    fs.writeFileSync(src, 'data');
    execFileSync('touch', ['-m', '-d', '2021-05-06 07:08:09.987654321', src]);
    const before = fs.statSync(src).mtimeMs - 2500.25; // as if the stat before the copy had seen this
    const r = copyPath(src, path.join(dir, 'changed'), COPY_FLAG.tryRange, before);
    expect(r & COPY_RESULT.sourceChanged).to.equal(COPY_RESULT.sourceChanged);
    const got = fs.statSync(path.join(dir, 'changed'), { bigint: true }).mtimeNs;
    expect(got).to.equal(BigInt(Math.floor(before * 1000)) * 1000n);
    expect(Math.abs(fs.statSync(path.join(dir, 'changed')).atimeMs - Date.now())).to.be.below(60_000);
  });

  it('refuses what is not a regular file, and reports a missing directory by its code, leaving nothing', () => {
    const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      expect(() => copy(fd, path.join(dir, 'x'), 0o644, 0, 0)).to.throw().with.property('code', 'EINVAL');
    } finally { fs.closeSync(fd); }
    expect(fs.existsSync(path.join(dir, 'x'))).to.equal(false);
    fs.writeFileSync(path.join(dir, 'src'), 'data');
    expect(() => copyPath(path.join(dir, 'src'), path.join(dir, 'no', 'such', 'dir'), 0)).to.throw().with.property('code', 'ENOENT');
  });

  it('on open directories: copyFileFd by name in a directory descriptor, renameAt over the old file', () => {
    const odd = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]); // "café.txt" in Latin-1: not UTF-8
    const srcDir = path.join(dir, 'src');
    const dstDir = path.join(shm, 'dst');
    fs.mkdirSync(srcDir);
    fs.mkdirSync(dstDir);
    const src = Buffer.concat([Buffer.from(`${srcDir}/`), odd]);
    fs.writeFileSync(src, 'bytes of an odd name');
    fs.writeFileSync(path.join(dstDir, 'old'), 'the old copy');
    fs.symlinkSync('/etc/passwd', path.join(dstDir, 'link'));
    const dfd = fs.openSync(dstDir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      const fd = fs.openSync(src, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      try {
        const st = fs.fstatSync(fd);
        copy(fd, Buffer.concat([Buffer.from('.'), odd]), 0o640, COPY_FLAG.tryClone | COPY_FLAG.tryRange, st.mtimeMs, dfd);
        expect(() => copy(fd, 'link', 0o640, 0, st.mtimeMs, dfd), 'never through a link').to.throw().with.property('code', 'EEXIST');
      } finally { fs.closeSync(fd); }
      fsx!.renameAt!(dfd, Buffer.concat([Buffer.from('.'), odd]), dfd, 'old');
      expect(fs.readdirSync(dstDir).sort()).to.deep.equal(['link', 'old']);
      expect(fs.readFileSync(path.join(dstDir, 'old'), 'utf8')).to.equal('bytes of an odd name');
      expect(fs.statSync(path.join(dstDir, 'old')).mode & 0o777).to.equal(0o640);
      expect(() => fsx!.renameAt!(dfd, 'missing', dfd, 'x')).to.throw().with.property('code', 'ENOENT');
    } finally {
      fs.closeSync(dfd);
    }
  });

  describe('on btrfs (loop-mounted: root)', () => {
    let fsLoop: BtrfsLoop;
    before(() => { fsLoop = mountBtrfsLoop(); });
    after(() => fsLoop?.dispose());

    it('clones within the file system (shared extents) and copies when asked not to clone', () => {
      const src = path.join(fsLoop.subvolume, 'big');
      fs.writeFileSync(src, crypto.randomBytes(1024 * 1024));
      execFileSync('sync');
      const cloned = copyPath(src, path.join(fsLoop.subvolume, 'cloned'), COPY_FLAG.tryClone | COPY_FLAG.tryRange);
      expect(cloned & COPY_RESULT.cloned).to.equal(COPY_RESULT.cloned);
      expectSameFile(src, path.join(fsLoop.subvolume, 'cloned'));
      const plain = copyPath(src, path.join(fsLoop.subvolume, 'plain'), 0);
      expect(plain & (COPY_RESULT.cloned | COPY_RESULT.cloneUnusable)).to.equal(0);
      expectSameFile(src, path.join(fsLoop.subvolume, 'plain'));
      execFileSync('sync');
      const shared = (f: string): boolean => /shared/.test(execFileSync('filefrag', ['-v', path.join(fsLoop.subvolume, f)], { encoding: 'utf8' }));
      expect([shared('cloned'), shared('plain')]).to.deep.equal([true, false]);
    });

    it('a clone across file systems is refused and the bytes are copied instead (cloneUnusable)', () => {
      const src = path.join(fsLoop.subvolume, 'small');
      fs.writeFileSync(src, crypto.randomBytes(10_000));
      const r = copyPath(src, path.join(shm, 'small'), COPY_FLAG.tryClone | COPY_FLAG.tryRange);
      expect(r & (COPY_RESULT.cloned | COPY_RESULT.cloneUnusable)).to.equal(COPY_RESULT.cloneUnusable);
      expectSameFile(src, path.join(shm, 'small'));
    });
  });
});
