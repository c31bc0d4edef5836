import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chunk, CopyResult } from '../../../../src/api';
import { NativeCopier } from '../../../../src/engines/native';
import { HOST_DIR_MODE, type DirMode } from '../../../../src/fs/dir-ref';
import { hashTree, rsyncDifferences } from '../../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../../helpers/make-tree';
import { makeChunk, makeOptions } from '../../../contract/contract-fixtures';

/** `dir/<bytes>` as a Buffer path (names that are not UTF-8 cannot be strings). */
const bytePath = (dir: string, ...names: Buffer[]): Buffer => Buffer.concat([Buffer.from(dir), ...names.flatMap((n) => [Buffer.from('/'), n])]);
const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

async function poll(what: string, cond: () => boolean): Promise<void> {
  const end = Date.now() + 60_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * After job.suspend(): resolves once the job is parked at its gate, i.e. the temp files it streams
 * in `dir` have stopped growing (four looks 40 ms apart; a file ending meanwhile takes its temp
 * file away, which counts as a change). suspend() only raises a flag the job reads before its next
 * block; a swap made in the same tick could land between one of its checks and the operation
 * after it, the window path mode leaves by design (docs/safety.md), which is not what these tests
 * are about.
 */
async function parked(dir: string): Promise<void> {
  const sizeOf = (n: string): number => { try { return fs.statSync(path.join(dir, n)).size; } catch { return -1; } }; // renamed meanwhile
  const size = (): number => fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')).reduce((t, n) => t + sizeOf(n), 0);
  let last = -1;
  let same = 0;
  const end = Date.now() + 60_000;
  while (same < 4) {
    if (Date.now() > end) throw new Error('timed out waiting for the job to park');
    await new Promise((r) => setTimeout(r, 40));
    const now = size();
    same = now === last ? same + 1 : 0;
    last = now;
  }
}

/** A chunk by hand: the contract fixture's estimate cannot list names that are not UTF-8. */
function rootChunk(src: string, dst: string): Chunk {
  return { id: 'bytes', profile: 'p', kind: 'tree', relPath: '', sourcePath: src, destinationPath: dst, depth: 0, estimatedFiles: 0, estimatedBytes: 0 };
}

const MODES: DirMode[] = HOST_DIR_MODE === 'proc' ? ['proc', 'path'] : ['path'];

for (const dirMode of MODES) {
  describe(`native engine: links, swaps and names (${dirMode} mode)`, function () {
    this.timeout(60_000);
    let root: string; let src: string; let dst: string; let victim: string; let victimHash: string;
    const copiers: NativeCopier[] = [];
    const copier = (o: ConstructorParameters<typeof NativeCopier>[0] = {}): NativeCopier => {
      const c = new NativeCopier({ dirMode, progressIntervalMs: 10, ...o });
      copiers.push(c);
      return c;
    };

    beforeEach(() => {
      root = tempDir('robocurse-native-links-');
      src = path.join(root, 'src');
      dst = path.join(root, 'dst');
      victim = path.join(root, 'victim');
      makeTree(victim, { 'keep.txt': 'victim', inner: { 'x.txt': 'x' } });
      fs.chmodSync(victim, 0o711);
      fs.utimesSync(victim, new Date('2001-01-01'), new Date('2001-01-01'));
      victimHash = hashTree(victim);
    });
    afterEach(async () => {
      await Promise.all(copiers.splice(0).map((c) => c.close()));
      expect(hashTree(victim), 'the victim changed').to.equal(victimHash);
      removeTemp(root);
    });

    it('copies names that are not UTF-8 exactly, a directory with such a name included, and a re-run copies nothing', async () => {
      fs.mkdirSync(src);
      fs.writeFileSync(bytePath(src, latin1('café.txt')), 'latin-1 name');
      fs.mkdirSync(bytePath(src, latin1('résumé')));
      fs.writeFileSync(bytePath(src, latin1('résumé'), latin1('naïve.txt')), 'inside');
      fs.writeFileSync(bytePath(src, latin1('résumé'), Buffer.from('plain.txt')), 'plain');
      fs.mkdirSync(bytePath(src, latin1('résumé'), latin1('àé')));
      fs.writeFileSync(bytePath(src, latin1('résumé'), latin1('àé'), Buffer.from([0xff, 0xfe, 0x41])), 'deeper');
      // A real U+FFFD in a UTF-8 name must stay what it is, not become an escape.
      fs.writeFileSync(path.join(src, 'replacement-\ufffd.txt'), 'fffd');
      const c = copier();
      const first = await c.start(rootChunk(src, dst), makeOptions()).done;
      expect(first.exitMeaning.severity, first.exitMeaning.message).to.equal('Success');
      expect(first.stats.filesCopied).to.equal(5);
      expect(rsyncDifferences(src, dst)).to.deep.equal([]);
      const again = await c.start(rootChunk(src, dst), makeOptions()).done;
      expect(again.stats.filesCopied).to.equal(0);
      expect(again.stats.filesSkipped).to.equal(5);
    });

    it('names a failing file that is not UTF-8 with \\x escapes', async () => {
      fs.mkdirSync(src);
      fs.writeFileSync(bytePath(src, latin1('café.txt')), 'file here');
      fs.mkdirSync(dst);
      fs.mkdirSync(bytePath(dst, latin1('café.txt'))); // a directory in the way, no mirror
      const r = await copier().start(rootChunk(src, dst), makeOptions()).done;
      expect(r.exitMeaning.severity).to.equal('Error');
      expect(r.errors.map((e) => e.path)).to.deep.equal(['caf\\xE9.txt']);
      expect(r.errors[0].message).to.contain('caf\\xE9.txt');
    });

    it('mirror removes an extra directory holding a link to the victim: the link goes, the victim stays', async () => {
      makeTree(src, { 'a.txt': 'a' });
      makeTree(dst, { extra: { 'e.txt': 'e', deeper: { 'd.txt': 'd' } } });
      fs.symlinkSync(victim, path.join(dst, 'extra', 'link-to-victim'));
      fs.symlinkSync(victim, path.join(dst, 'extra', 'deeper', 'another'));
      const r = await copier().start(makeChunk(src, dst), makeOptions({ mirror: true })).done;
      expect(r.exitMeaning.severity, r.exitMeaning.message).to.equal('Success');
      expect(fs.existsSync(path.join(dst, 'extra'))).to.equal(false);
      expect(rsyncDifferences(src, dst)).to.deep.equal([]);
    });

    it('a chunk whose destination parent is a link: replaced with mirror, fatal without; the victim untouched', async () => {
      makeTree(src, { p: { a: { 'f.txt': 'f' } } });
      fs.mkdirSync(dst);
      fs.symlinkSync(victim, path.join(dst, 'p'));
      const chunk = makeChunk(path.join(src, 'p', 'a'), path.join(dst, 'p', 'a'), 'tree', 'p/a');
      const refused = await copier().start(chunk, makeOptions()).done;
      expect(refused.exitMeaning.severity).to.equal('Fatal');
      expect(refused.errors[0].message).to.contain(`${path.join(dst, 'p')} is a symbolic link (to ${victim})`);
      const replaced = await copier().start(chunk, makeOptions({ mirror: true })).done;
      expect(replaced.exitMeaning.severity, replaced.exitMeaning.message).to.equal('Success');
      expect(replaced.stats.extrasRemoved).to.equal(1);
      expect(fs.lstatSync(path.join(dst, 'p')).isDirectory()).to.equal(true);
      expect(fs.readFileSync(path.join(dst, 'p', 'a', 'f.txt'), 'utf8')).to.equal('f');
    });

    it('a source chunk directory that became a link is fatal, nothing read through it', async () => {
      makeTree(src, { p: {} });
      makeTree(path.join(root, 'secret'), { 'f.txt': 'SECRET' });
      fs.symlinkSync(path.join(root, 'secret'), path.join(src, 'p', 'a'));
      const r = await copier().start(makeChunk(path.join(src, 'p', 'a'), path.join(dst, 'p', 'a'), 'tree', 'p/a'), makeOptions({ mirror: true })).done;
      expect(r.exitMeaning.severity).to.equal('Fatal');
      expect(r.errors[0].message).to.contain('the source changed since the scan');
      expect(fs.existsSync(path.join(dst, 'p', 'a', 'f.txt'))).to.equal(false);
    });

    it('a destination directory swapped for a link while the job is suspended: nothing written through it', async () => {
      makeTree(src, { sub: { 'big.bin': 400_000, 'later.txt': 'later' } });
      const c = copier({ streamThresholdBytes: 1, fileConcurrency: 1 });
      const job = c.start(makeChunk(src, dst), makeOptions({ bandwidthBytesPerSec: 200_000 }));
      const sub = path.join(dst, 'sub');
      await poll('the big file being written', () => fs.existsSync(sub) && fs.readdirSync(sub).some((n) => n.startsWith('.big.bin.')));
      job.suspend!();
      await parked(sub);
      fs.renameSync(sub, `${sub}.moved`);
      fs.symlinkSync(victim, sub);
      job.resume!();
      const r: CopyResult = await job.done;
      expect(r.exitMeaning.severity).to.equal('Error');
      expect(r.errors.map((e) => e.code)).to.include.members(['ECHANGED']);
      // What was already open finished in the directory that was moved away, never the victim
      // (path mode reaches names by path: its rename fails instead, the window docs/safety.md names).
      if (dirMode === 'proc') expect(fs.readdirSync(`${sub}.moved`)).to.include('big.bin');
    });

    it('a source file swapped for a link to a secret between the listing and the copy is not read', async () => {
      makeTree(src, { 'big.bin': 400_000, 'z.txt': 'plain' });
      makeTree(path.join(root, 'secret'), { 's.txt': 'SECRET' });
      const c = copier({ streamThresholdBytes: 1, fileConcurrency: 1 });
      const job = c.start(makeChunk(src, dst), makeOptions({ bandwidthBytesPerSec: 200_000 }));
      await poll('the big file being written', () => fs.existsSync(dst) && fs.readdirSync(dst).some((n) => n.startsWith('.big.bin.')));
      job.suspend!();
      await parked(dst);
      fs.rmSync(path.join(src, 'z.txt'));
      fs.symlinkSync(path.join(root, 'secret', 's.txt'), path.join(src, 'z.txt'));
      job.resume!();
      const r = await job.done;
      expect(r.exitMeaning.severity).to.equal('Warning'); // skipped: changed type during the copy
      expect(fs.existsSync(path.join(dst, 'z.txt'))).to.equal(false);
    });

    describe('case-insensitive destination (destinationCaseInsensitive)', () => {
      beforeEach(() => {
        makeTree(src, { Finance: { 'Q1.txt': 'new q1', 'Q2.txt': 'q2' }, 'Report.TXT': 'report' });
        makeTree(dst, { finance: { 'q1.txt': 'old, longer q1', 'old.txt': 'gone in the source' }, 'report.txt': 'stale, longer' });
      });

      it('mirror matches Finance with finance instead of deleting it, and gives it the source\'s case', async () => {
        const inode = fs.statSync(path.join(dst, 'finance')).ino;
        const r = await copier().start(makeChunk(src, dst), makeOptions({ mirror: true, destinationCaseInsensitive: true })).done;
        expect(r.exitMeaning.severity, r.exitMeaning.message).to.equal('Success');
        expect(fs.readdirSync(dst).sort()).to.deep.equal(['Finance', 'Report.TXT']);
        expect(fs.statSync(path.join(dst, 'Finance')).ino, 'renamed, not deleted and made again').to.equal(inode);
        expect(fs.readdirSync(path.join(dst, 'Finance')).sort()).to.deep.equal(['Q1.txt', 'Q2.txt']);
        expect(fs.readFileSync(path.join(dst, 'Finance', 'Q1.txt'), 'utf8')).to.equal('new q1');
        expect(r.stats.extrasRemoved).to.equal(1); // old.txt only
        expect(rsyncDifferences(src, dst)).to.deep.equal([]);
      });

      it('without mirror, copies into the destination\'s own spelling and removes nothing', async () => {
        const r = await copier().start(makeChunk(src, dst), makeOptions({ destinationCaseInsensitive: true })).done;
        expect(r.exitMeaning.severity, r.exitMeaning.message).to.equal('Success');
        expect(fs.readdirSync(dst).sort()).to.deep.equal(['finance', 'report.txt']);
        // q1.txt is the source's Q1.txt (same entry on a case-insensitive file system); Q2.txt is new.
        expect(fs.readdirSync(path.join(dst, 'finance')).sort()).to.deep.equal(['Q2.txt', 'old.txt', 'q1.txt']);
        expect(fs.readFileSync(path.join(dst, 'finance', 'q1.txt'), 'utf8')).to.equal('new q1');
        expect(fs.readFileSync(path.join(dst, 'report.txt'), 'utf8')).to.equal('report');
      });

      it('without the flag (case-sensitive destination) the old spellings are extras', async () => {
        const r = await copier().start(makeChunk(src, dst), makeOptions({ mirror: true })).done;
        expect(r.exitMeaning.severity, r.exitMeaning.message).to.equal('Success');
        expect(fs.readdirSync(dst).sort()).to.deep.equal(['Finance', 'Report.TXT']);
        expect(r.stats.extrasRemoved).to.equal(2);
      });

      it('two source names that differ only in case: the second fails, nothing is overwritten', async () => {
        makeTree(src, { 'dup.txt': 'lower', 'DUP.txt': 'upper' });
        const r = await copier().start(makeChunk(src, dst), makeOptions({ mirror: true, destinationCaseInsensitive: true })).done;
        expect(r.exitMeaning.severity).to.equal('Error');
        const collision = r.errors.find((e) => e.code === 'ECASECOLLISION');
        expect(collision?.message).to.match(/differs from .* only in case/);
      });
    });
  });
}
