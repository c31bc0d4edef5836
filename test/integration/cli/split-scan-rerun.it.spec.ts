import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, rsyncDifferences } from '../../helpers/cli-child';
import { fileInodes } from '../../helpers/file-inodes';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';
import { runNightlySucceeds, writeNightlyConfig } from '../../helpers/nightly-config';
import { expectDoneAsRsyncSays, rsyncPlan } from '../../helpers/rsync-oracle';

/**
 * A scan larger than its first task is walked by the main thread and a worker thread together
 * (worker-scanner.ts mainStep; the pool holds a thread back while the main thread walks): the
 * directories each of them compared with the copy must decide a re-run as exactly as one walker
 * would. 48 directories of 2 × 12 files (~1,300 entries, the first task takes 256) with changes
 * in early, middle and late directories; the CLI run like cron, `rsync -ain --delete` as the
 * oracle. With the rsync engine the scan's own pool holds its thread back for the whole scan.
 */

function sourceTree(): TreeSpec {
  const tree: TreeSpec = { 'root.txt': 'root' };
  for (let d = 0; d < 48; d++) {
    const top: TreeSpec = {};
    for (let s = 0; s < 2; s++) {
      const sub: TreeSpec = {};
      for (let f = 0; f < 12; f++) sub[`f${f}.dat`] = `d${d} s${s} f${f}\n`;
      top[`s${s}`] = sub;
    }
    tree[`d${String(d).padStart(2, '0')}`] = top;
  }
  return tree;
}

/** Changes spread over the tree: rewritten (other size; same size, newer mtime), new, deleted (a file, a directory). */
function changeSource(src: string): void {
  fs.writeFileSync(path.join(src, 'd03', 's0', 'f1.dat'), 'rewritten, longer than before\n');
  fs.writeFileSync(path.join(src, 'd24', 's1', 'f4.dat'), 'D24 S1 F4\n'); // same size as before
  const later = new Date(Date.now() + 120_000);
  fs.utimesSync(path.join(src, 'd24', 's1', 'f4.dat'), later, later);
  fs.writeFileSync(path.join(src, 'd47', 's1', 'f11.dat'), 'the last directory, changed\n');
  fs.writeFileSync(path.join(src, 'd40', 's0', 'new.dat'), 'new file');
  fs.rmSync(path.join(src, 'd11', 's1', 'f3.dat'));
  fs.rmSync(path.join(src, 'd30', 's0'), { recursive: true });
}

describe('a re-run whose scan the main thread and a worker thread share is exact (rsync -ain --delete as the oracle; CLI like cron)', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-split-'); });
  afterEach(() => removeTemp(dir));

  for (const engine of ['native', 'rsync']) {
    it(`${engine} engine: an unchanged re-run writes nothing; changes early, midway and late are copied and deleted exactly`, async () => {
      const src = path.join(dir, 'src');
      const dst = path.join(dir, 'dst');
      makeTree(src, sourceTree());
      makeTree(path.join(dir, 'beside'), { 'victim.txt': 'outside the destination' });
      const beside = hashTree(path.join(dir, 'beside'));
      const file = writeNightlyConfig(dir, { engine, retry: { maxAttempts: 1 } });
      const run = (): Promise<Record<string, unknown>> => runNightlySucceeds(file, dir);

      await run();
      expect(rsyncDifferences(src, dst), 'the first run left differences').to.deep.equal([]);
      const files = fileInodes(src).size;

      const copied = fileInodes(dst);
      const unchanged = await run();
      expect(unchanged.filesCopied, 'an unchanged re-run copies nothing').to.equal(0);
      if (engine === 'native') expect(unchanged.filesSkipped, 'every file booked unchanged').to.equal(files);
      expect(fileInodes(dst), 'no file written or touched').to.deep.equal(copied);

      changeSource(src);
      const oracle = rsyncPlan(src, dst, []);
      expect(oracle.transfer).to.deep.equal(['d03/s0/f1.dat', 'd24/s1/f4.dat', 'd40/s0/new.dat', 'd47/s1/f11.dat']);
      expect(oracle.deleted).to.include.members(['d11/s1/f3.dat', 'd30/s0/']);
      const profile = await run();
      expect(profile.filesCopied, 'files copied, as the summary says').to.equal(oracle.transfer.length);
      if (engine === 'native') expect(profile.filesSkipped, 'the rest booked unchanged').to.equal(fileInodes(src).size - oracle.transfer.length);
      expectDoneAsRsyncSays(dst, copied, oracle);
      expect(rsyncDifferences(src, dst), 'the copy is the source').to.deep.equal([]);
      expect(hashTree(path.join(dir, 'beside')), 'nothing outside the destination touched').to.equal(beside);
    });
  }
});
