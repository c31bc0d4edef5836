import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CopyOptions, CopyResult, Preserve } from '../../../../src/api';
import { defaultPreserve } from '../../../../src/config/preserve';
import { NativeCopier } from '../../../../src/engines/native';
import { fsPath } from '../../../../src/fs/byte-names';
import type { DirMode } from '../../../../src/fs/dir-ref';
import { mountBtrfsLoop, type BtrfsLoop } from '../../../helpers/btrfs-loop';
import { mountCaseInsensitive, type CaseInsensitiveMount } from '../../../helpers/case-insensitive-fs';
import { makeTree, removeTemp, tempDir } from '../../../helpers/make-tree';
import { recordingLogger } from '../../../helpers/recording-logger';
import { makeOptions } from '../../../contract/contract-fixtures';
import type { Chunk } from '../../../../src/api';

/** A root tree chunk (the estimates do not matter to the engine). */
const makeChunk = (source: string, destination: string): Chunk => ({
  id: 'replica', profile: 'p', kind: 'tree', relPath: '', sourcePath: source, destinationPath: destination, depth: 0, estimatedFiles: 1, estimatedBytes: 1,
});
import { attributeDump, entries, rsyncOracle, touchPrint } from '../../replica/compare-replica';

const MiB = 1024 * 1024;
const ALL: Preserve = defaultPreserve(true);

/** A small tree with every kind of entry and metadata the native engine keeps (as root). */
function buildTree(src: string): void {
  makeTree(src, { docs: { 'a.txt': 'alpha', 'b.txt': 'beta' }, other: {}, 'caf\udce9': { x: 'latin-1 dir' } });
  fs.symlinkSync('docs/a.txt', path.join(src, 'to-file'));
  fs.symlinkSync('/nowhere', path.join(src, 'dangling'));
  fs.linkSync(path.join(src, 'docs', 'a.txt'), path.join(src, 'other', 'same-as-a'));
  execFileSync('mkfifo', ['-m', '0640', path.join(src, 'fifo')]);
  execFileSync('mknod', [path.join(src, 'zero'), 'c', '1', '5']);
  // Sparse files: one small enough for the copy threads (handed back), one above the stream threshold.
  for (const [name, size] of [['small.sparse', 2 * MiB], ['large.sparse', 20 * MiB]] as const) {
    const fd = fs.openSync(path.join(src, name), 'w');
    fs.writeSync(fd, 'data in the middle', size / 2);
    fs.ftruncateSync(fd, size);
    fs.closeSync(fd);
  }
  execFileSync('setfattr', ['-n', 'user.tag', '-v', 'kept', path.join(src, 'docs', 'b.txt')]);
  execFileSync('setfacl', ['-m', 'u:65534:r', path.join(src, 'docs', 'a.txt')]);
  execFileSync('setfacl', ['-d', '-m', 'g:65534:rx', path.join(src, 'docs')]);
  fs.chownSync(path.join(src, 'docs', 'b.txt'), 65534, 65534);
  fs.chmodSync(path.join(src, 'docs', 'b.txt'), 0o4750);
  execFileSync('touch', ['-h', '-d', '@-86401.123456789', path.join(src, 'to-file')]);
  execFileSync('touch', ['-d', '@1600000000.987654321', path.join(src, 'docs', 'a.txt'), path.join(src, 'docs')]);
}

describe('native engine: a true replica (as root)', function () {
  this.timeout(120_000);
  let root: string;
  let src: string;
  let dst: string;
  beforeEach(function () {
    // Owners, devices and other users' files need root; CI and this project's machines run as root.
    if (process.getuid?.() !== 0) this.skip();
    root = tempDir('robocurse-replica-');
    src = path.join(root, 'src');
    dst = path.join(root, 'dst');
    buildTree(src);
  });
  afterEach(() => { if (root) removeTemp(root); });

  const copy = async (dirMode: DirMode, over: Partial<CopyOptions> = {}, engine: Record<string, unknown> = {}, to = dst): Promise<CopyResult> => {
    const copier = new NativeCopier({ dirMode });
    try {
      return await copier.start(makeChunk(src, to), makeOptions({ preserve: ALL, engineOptions: { native: engine }, ...over })).done;
    } finally {
      await copier.close();
    }
  };

  for (const mode of ['proc', 'path'] as const) {
    it(`${mode} mode: links, hard links, FIFO, device, holes, owners, modes, xattrs, ACLs and ns times are kept; a re-run touches nothing`, async () => {
      const r = await copy(mode);
      expect(r.exitMeaning.severity, r.exitMeaning.message).to.equal('Success');
      expect(rsyncOracle(src, dst)).to.deep.equal([]);
      expect(attributeDump(dst, 'getfacl')).to.equal(attributeDump(src, 'getfacl'));
      const s = entries(src);
      const d = entries(dst);
      for (const name of ['small.sparse', 'large.sparse']) expect(Number(d.get(name)!.blocks), name).to.be.at.most(Number(s.get(name)!.blocks) + 16);
      expect(d.get('other/same-as-a')!.ino).to.equal(d.get('docs/a.txt')!.ino);
      expect(d.get('zero')!.rdev).to.equal(s.get('zero')!.rdev);
      const before = touchPrint(dst);
      const again = await copy(mode);
      expect(again.exitCode, again.exitMeaning.message).to.equal(0);
      expect(touchPrint(dst)).to.equal(before);
    });
  }

  it('an owner, mode or attribute changed alone in the source is set on the copy in place, without copying the data', async () => {
    await copy('proc');
    const a = path.join(dst, 'docs', 'a.txt');
    const ino = fs.statSync(a).ino;
    fs.chownSync(path.join(src, 'docs', 'a.txt'), 65534, 0);
    fs.chmodSync(path.join(src, 'docs', 'a.txt'), 0o2700);
    execFileSync('setfattr', ['-n', 'user.new', '-v', 'added later', path.join(src, 'docs', 'a.txt')]);
    execFileSync('setfattr', ['-x', 'user.tag', path.join(src, 'docs', 'b.txt')]);
    fs.chmodSync(path.join(src, 'docs', 'b.txt'), 0o644);
    const r = await copy('proc');
    expect(r.stats.filesCopied, r.exitMeaning.message).to.equal(0);
    expect(rsyncOracle(src, dst)).to.deep.equal([]);
    expect(fs.statSync(a).ino, 'fixed in place, not replaced').to.equal(ino);
  });

  it('reflink: clones on btrfs (auto), never shares blocks with "never", and "always" fails a file that cannot be cloned', async () => {
    let fsx: BtrfsLoop | undefined;
    try {
      fsx = mountBtrfsLoop(300);
      const bsrc = path.join(fsx.subvolume, 'src');
      makeTree(bsrc, { 'big.bin': 10 * MiB, 'small.bin': 64 * 1024 });
      const shared = (p: string): boolean => /shared/.test(execFileSync('filefrag', ['-v', p], { encoding: 'utf8' }));
      const run = (to: string, reflink: string): Promise<CopyResult> => {
        const copier = new NativeCopier();
        return copier.start(makeChunk(bsrc, to), makeOptions({ preserve: ALL, engineOptions: { native: { reflink } } })).done.finally(() => copier.close());
      };
      const auto = path.join(fsx.subvolume, 'auto');
      expect((await run(auto, 'auto')).exitMeaning.severity).to.equal('Success');
      expect(shared(path.join(auto, 'big.bin')), 'a large file is cloned').to.equal(true);
      expect(shared(path.join(auto, 'small.bin')), 'a small file is cloned').to.equal(true);
      const never = path.join(fsx.subvolume, 'never');
      expect((await run(never, 'never')).exitMeaning.severity).to.equal('Success');
      expect(shared(path.join(never, 'big.bin')) || shared(path.join(never, 'small.bin')), 'reflink never').to.equal(false);
      expect(fs.readFileSync(path.join(never, 'big.bin')).equals(fs.readFileSync(path.join(bsrc, 'big.bin')))).to.equal(true);
      const elsewhere = await run(path.join(root, 'not-btrfs'), 'always');
      expect(elsewhere.exitMeaning.severity).to.equal('Error');
      expect(elsewhere.errors[0].message).to.contain('reflink is "always"');
    } finally {
      fsx?.dispose();
    }
  });

  it('a destination without extended attributes (FAT): the data is copied, the loss said once, a Warning', async () => {
    let m: CaseInsensitiveMount | undefined;
    try {
      m = mountCaseInsensitive(64);
      const logger = recordingLogger();
      // What FAT can keep: no links, owners, modes or specials (the orchestrator turns those off for it).
      const preserve: Preserve = { ...ALL, owners: false, symlinks: false, hardLinks: false, specials: false, modes: false };
      fs.rmSync(fsPath(path.join(src, 'caf\udce9')), { recursive: true }); // FAT cannot hold a name that is not UTF-8
      // exFAT through FUSE refuses a setuid mode, which fails copyFile itself (libuv's fchmod), not our concern here.
      fs.chmodSync(path.join(src, 'docs', 'b.txt'), 0o640);
      const r = await copy('proc', { preserve, logger }, {}, path.join(m.mountPoint, 'dst'));
      expect(r.exitMeaning.severity, `${r.exitMeaning.message} ${JSON.stringify(r.errors)}`).to.equal('Warning');
      expect(r.exitMeaning.message).to.contain('attribute(s) not kept');
      expect(fs.readFileSync(path.join(m.mountPoint, 'dst', 'docs', 'b.txt'), 'utf8')).to.equal('beta');
      expect(logger.lines.filter((l) => /keeps no extended attributes/.test(l.msg ?? ''))).to.have.length(1);
    } finally {
      m?.dispose();
    }
  });
});
