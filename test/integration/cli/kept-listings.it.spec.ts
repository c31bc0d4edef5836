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


/** Directories the jobs of the newest session took from the scan's listings (their debug lines, summed). */
function takenFromScan(dir: string): number {
  return newestLog(dir).split('\n').filter((l) => l.includes('source taken from the scan\'s listing'))
    .map((l) => (JSON.parse(l) as { dirsFromScanListing: number }).dirsFromScanListing).reduce((a, b) => a + b, 0);
}

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
      const fromScan = takenFromScan(dir);
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

  it('a first copy of a tree at rest takes every directory below the chunk root from the scan, and copies it exactly (odd names, links, hard links, empty directories, excludes)', async () => {
    dir = tempDir('robocurse-kept-first-');
    const src = path.join(dir, 'src');
    const dst = path.join(dir, 'dst');
    makeTree(src, { ...twoLevelTree('t', 3, 3, 4), empty: {}, skip: { 'x.tmp': 'excluded', 'kept.txt': 'kept' } });
    // A name that is not UTF-8, a symbolic link, a hard link.
    fs.writeFileSync(Buffer.concat([Buffer.from(`${src}/t1/s1/`), Buffer.from([0x6e, 0xe9, 0x2e, 0x74, 0x78, 0x74])]), 'latin-1 name');
    fs.symlinkSync('f0.dat', path.join(src, 't2', 's0', 'link'));
    fs.linkSync(path.join(src, 't0', 's2', 'f1.dat'), path.join(src, 't0', 's2', 'hard'));
    makeTree(path.join(dir, 'beside'), { 'victim.txt': 'outside the destination' });
    const file = writeNightlyConfig(dir, { chunking: { maxChunkFiles: 1000 }, retry: { maxAttempts: 1 }, preserve: { modes: true }, excludeFiles: ['*.tmp'] });
    await new Promise((r) => setTimeout(r, KEPT_MIN_AGE_MS + 300));
    const beside = hashTree(path.join(dir, 'beside'));
    try {
      const r = await runCliLikeCron(['run', '--config', file, '--all', '--json', '--log-level', 'debug'], { cwd: dir });
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      const profile = (r.summary!.profiles as Array<Record<string, unknown>>)[0];
      // 36 small files, 3 top.txt, root.txt, skip/kept.txt, the odd name, the hard link, the link.
      expect([profile.filesCopied, profile.chunksFailed]).to.deep.equal([36 + 3 + 1 + 1 + 1 + 1 + 1, 0]);
      const fromScan = takenFromScan(dir);
      // Every directory below the root (the chunk's root is listed on the main thread): t0..t2, their s0..s2, empty, skip.
      expect(fromScan, 'directories taken from the scan').to.equal(3 + 9 + 2);
      expect(fs.existsSync(path.join(dst, 'skip', 'x.tmp')), 'excluded').to.equal(false);
      expect(fs.readlinkSync(path.join(dst, 't2', 's0', 'link'))).to.equal('f0.dat');
      expect(fs.statSync(path.join(dst, 't0', 's2', 'hard')).ino).to.equal(fs.statSync(path.join(dst, 't0', 's2', 'f1.dat')).ino);
      expect(rsyncDifferences(src, dst, ['-aH', '--exclude=*.tmp']), 'byte for byte, times, modes, links, hard links').to.deep.equal([]);
      expect(hashTree(path.join(dir, 'beside')), 'nothing beside the destination').to.equal(beside);
    } finally {
      removeTemp(dir);
    }
  });
});
