import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { fileInodes } from '../../helpers/file-inodes';
import { makeTree, removeTemp, tempDir, twoLevelTree } from '../../helpers/make-tree';
import { writeNightlyConfig } from '../../helpers/nightly-config';
import { newestLog } from '../../helpers/session-log';
import { KEPT_MIN_AGE_MS } from '../../../src/fs/kept-listings';

/**
 * A changed re-run (the nightly case): the scan keeps the source listings of the directories it
 * found changed in the copy, and the copy threads take them instead of listing those
 * directories a third time (src/fs/kept-listings.ts). Through the CLI as cron runs it: the run
 * copies exactly the changed files, removes exactly the removed ones (rsync as the oracle, by
 * time and size and by checksum), writes nothing else and nothing beside the destination.
 */


describe('a changed re-run takes the scan\'s listings of changed directories (CLI like cron, native engine)', function () {
  this.timeout(120_000);
  let dir: string;

  it('copies exactly the changed files and removes exactly the removed ones, listing no changed directory twice', async () => {
    dir = tempDir('robocurse-kept-cli-');
    const src = path.join(dir, 'src');
    const dst = path.join(dir, 'dst');
    makeTree(src, twoLevelTree('t', 4, 4, 5));
    makeTree(path.join(dir, 'beside'), { 'victim.txt': 'outside the destination' });
    // One tree chunk: its directories below the root are walked on the copy threads.
    const file = writeNightlyConfig(dir, { chunking: { maxChunkFiles: 1000 }, retry: { maxAttempts: 1 }, preserve: { modes: true } });
    const run = async (): Promise<Record<string, unknown>> => {
      const r = await runCliLikeCron(['run', '--config', file, '--all', '--json', '--log-level', 'debug'], { cwd: dir });
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      expect(r.stderr, 'no stack trace').to.not.match(/\n\s+at .*\.js:\d+/);
      return (r.summary!.profiles as Array<Record<string, unknown>>)[0];
    };
    try {
      expect((await run()).filesCopied).to.equal(85);
      // Tonight's changes: a file rewritten in each t*/s1, one removed, one added, a top file rewritten.
      for (let t = 0; t < 4; t++) fs.writeFileSync(path.join(src, `t${t}`, 's1', 'f2.dat'), `rewritten tonight in t${t}, longer than before\n`);
      fs.rmSync(path.join(src, 't1', 's2', 'f0.dat'));
      fs.writeFileSync(path.join(src, 't2', 's3', 'new.dat'), 'new tonight\n');
      fs.writeFileSync(path.join(src, 't3', 'top.txt'), 'top 3, rewritten tonight\n');
      // The scan keeps a listing only of a directory unchanged for this long before it lists it.
      await new Promise((r) => setTimeout(r, KEPT_MIN_AGE_MS + 300));
      const before = fileInodes(dst);
      const beside = hashTree(path.join(dir, 'beside'));
      const profile = await run();
      expect([profile.filesCopied, profile.extrasRemoved, profile.chunksFailed]).to.deep.equal([6, 1, 0]);
      const fromScan = newestLog(dir).split('\n').filter((l) => l.includes('source taken from the scan\'s listing'))
        .map((l) => (JSON.parse(l) as { dirsFromScanListing: number }).dirsFromScanListing).reduce((a, b) => a + b, 0);
      // Every directory with a changed entry: t*/s1, t1/s2, t2/s3 and t3 (top.txt). The others
      // are up to date in the copy (a digest covers a directory's entries, not what is below them).
      expect(fromScan, 'changed directories taken from the scan').to.equal(7);
      const changed = [...fileInodes(dst)].filter(([rel, id]) => before.get(rel) !== id).map(([rel]) => rel).sort();
      expect(changed, 'only the files written tonight').to.deep.equal(['t0/s1/f2.dat', 't1/s1/f2.dat', 't2/s1/f2.dat', 't2/s3/new.dat', 't3/s1/f2.dat', 't3/top.txt']);
      expect(fs.existsSync(path.join(dst, 't1', 's2', 'f0.dat')), 'removed').to.equal(false);
      expect(rsyncDifferences(src, dst)).to.deep.equal([]);
      expect(rsyncDifferences(src, dst, ['-a']), 'times and modes too').to.deep.equal([]);
      expect(hashTree(path.join(dir, 'beside')), 'nothing beside the destination').to.equal(beside);
    } finally {
      removeTemp(dir);
    }
  });
});
