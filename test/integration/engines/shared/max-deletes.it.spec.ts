import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Copier, CopyOptions, CopyResult, Deletion } from '../../../../src/api';
import { NativeCopier } from '../../../../src/engines/native';
import { RobocopyCopier } from '../../../../src/engines/robocopy';
import { RsyncCopier } from '../../../../src/engines/rsync';
import { countMirrorDeletions } from '../../../../src/engines/preview/mirror-deletions';
import { countEntriesBelow } from '../../../../src/fs/count-entries';
import { packageRoot } from '../../../../src/paths';
import { makeChunk, makeOptions } from '../../../contract/contract-fixtures';
import { hashTree } from '../../../helpers/cli-child';
import { diffTrees, makeTree, removeTemp, tempDir, type TreeSpec } from '../../../helpers/make-tree';

const FAKE_ROBOCOPY = path.join(packageRoot(), 'test', 'fixtures', 'fake-robocopy', 'robocopy');

/** 3 files at the top, a directory holding 4 entries, one more file and a directory of 1 in sub: 11 entries. */
const SOURCE: TreeSpec = { 'keep.txt': 'k', sub: { 'keep2.txt': 'k2' } };
const EXTRAS: TreeSpec = {
  'x1.txt': '1', 'x2.txt': '2', 'x3.txt': '3',
  olddir: { 'a.txt': 'a', 'b.txt': 'b', inner: { 'c.txt': 'c' } },
  sub: { 'x4.txt': '4', gone: { 'd.txt': 'd' } },
};
const EXTRA_ENTRIES = 3 + 5 + 1 + 2;

interface Engine { name: string; make(root: string): Copier }
const ENGINES: Engine[] = [
  { name: 'native', make: () => new NativeCopier() },
  { name: 'rsync', make: () => new RsyncCopier() },
  { name: 'robocopy (fake)', make: (root) => new RobocopyCopier({ executable: FAKE_ROBOCOPY, logDir: path.join(root, 'logs'), retry: { engineRetries: 0, engineWaitSeconds: 0 } }) },
];

for (const engine of ENGINES) {
  describe(`maxDeletes with the ${engine.name} engine`, function () {
    this.timeout(60_000);
    let root: string; let src: string; let dst: string; let copier: Copier;
    beforeEach(() => {
      root = tempDir('robocurse-maxdel-');
      src = path.join(root, 'src'); dst = path.join(root, 'dst');
      makeTree(src, SOURCE);
      makeTree(dst, { ...SOURCE, ...EXTRAS, sub: { ...(SOURCE.sub as TreeSpec), ...(EXTRAS.sub as TreeSpec) } });
      makeTree(src, { 'new.txt': 'only in the source' });
      // The destination already holds the source's files: same data and the same time. Written
      // apart, the two copies can straddle a millisecond, which the engines rightly take for
      // "unchanged" (< 1 ms) while diffTrees compares whole milliseconds.
      for (const rel of ['keep.txt', 'sub/keep2.txt']) for (const side of [src, dst]) fs.utimesSync(path.join(side, rel), 1_700_000_000, 1_700_000_000);
    });
    afterEach(async () => { await copier?.close?.(); removeTemp(root); });

    async function mirror(over: Partial<CopyOptions>): Promise<{ result: CopyResult; reported: Deletion[] }> {
      copier = engine.make(root);
      const reported: Deletion[] = [];
      const result = await copier.start(makeChunk(src, dst), makeOptions({ mirror: true, onDeletion: (d) => reported.push(d), ...over })).done;
      return { result, reported };
    }

    it('the preview counts what a mirror would delete, contents of extra directories included', async () => {
      expect(await countMirrorDeletions(makeChunk(src, dst), makeOptions())).to.equal(EXTRA_ENTRIES);
    });

    it(`under the limit, the mirror deletes every extra and succeeds`, async () => {
      const before = await countEntriesBelow(dst);
      const { result } = await mirror({ maxDeletes: EXTRA_ENTRIES });
      expect(result.exitMeaning.severity, result.exitMeaning.message).to.equal('Success');
      expect(diffTrees(src, dst)).to.deep.equal([]);
      expect(before - (await countEntriesBelow(dst)) + 1).to.equal(EXTRA_ENTRIES); // + new.txt, copied
    });

    for (const limit of [0, 4]) {
      it(`over a limit of ${limit}, at most ${limit} entries go and the chunk fails without retry`, async () => {
        const before = await countEntriesBelow(dst);
        const { result } = await mirror({ maxDeletes: limit });
        expect(result.exitMeaning.severity).to.equal('Error');
        expect(result.exitMeaning.shouldRetry).to.equal(false);
        expect(result.exitMeaning.message).to.contain('maxDeletes').and.to.contain('--allow-mass-delete').and.to.contain(`more than ${limit}`);
        const deleted = before - (await countEntriesBelow(dst)) + (fs.existsSync(path.join(dst, 'new.txt')) ? 1 : 0);
        expect(deleted).to.be.at.most(limit);
        // native and rsync go on copying (only deletions stop); robocopy is not started at all.
        expect(fs.existsSync(path.join(dst, 'new.txt'))).to.equal(!engine.name.startsWith('robocopy'));
      });
    }

    it('a dry run over the limit deletes nothing and fails the same way', async () => {
      const before = hashTree(dst);
      const { result, reported } = await mirror({ maxDeletes: 2, dryRun: true });
      expect(result.exitMeaning.severity).to.equal('Error');
      expect(result.exitMeaning.shouldRetry).to.equal(false);
      expect(hashTree(dst)).to.equal(before);
      expect(reported.reduce((a, d) => a + d.entries, 0)).to.be.at.most(2);
    });

    if (engine.name !== 'robocopy (fake)') {
      it('reports every deletion with its path relative to the chunk, and a dry run lists the same ones', async () => {
        const dry = await mirror({ dryRun: true });
        expect(dry.result.exitMeaning.severity).to.equal('Success');
        const listed = dry.reported.map((d) => d.relPath);
        for (const p of ['x1.txt', 'x2.txt', 'x3.txt', 'olddir', 'sub/x4.txt', 'sub/gone']) expect(listed).to.include(p);
        expect(dry.reported.reduce((a, d) => a + d.entries, 0)).to.equal(EXTRA_ENTRIES);
        const real = await mirror({});
        expect(real.reported.reduce((a, d) => a + d.entries, 0)).to.equal(EXTRA_ENTRIES);
        expect(real.reported.filter((d) => d.relPath === 'olddir')[0]).to.include({ isDir: true });
      });
    }
  });
}
