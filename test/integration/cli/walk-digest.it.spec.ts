import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir, twoLevelTree } from '../../helpers/make-tree';
import { fileInodes } from '../../helpers/file-inodes';
import { writeNightlyConfig } from '../../helpers/nightly-config';
import { newestLog } from '../../helpers/session-log';

/**
 * Walk-once (#17): the scan digests every source directory it lists, and a re-run's walk takes a
 * destination directory whose own digest matches as up to date without listing the source
 * again. These runs check, through the CLI as cron runs it, that this never hides a difference
 * the destination has: whatever changed in the replica since the last run (a file rewritten,
 * chmod-ed, deleted, added, a stale temp file, a type swapped) is put right, and an unchanged
 * re-run does take its directories from the digests (the debug log counts them).
 */


/** The nightly mirror of these tests: `settings` add to or override the profile. */
function writeConfig(dir: string, settings: Record<string, unknown> = {}): string {
  return writeNightlyConfig(dir, { excludeFiles: ['*.bak'], chunking: { maxChunkFiles: 30 }, retry: { maxAttempts: 1 }, preserve: { modes: true }, ...settings });
}

/** Directories the run's native jobs took from the scan's digests (the debug log of the newest session). */
function dirsFromDigest(dir: string): number {
  const text = newestLog(dir);
  let n = 0;
  for (const line of text.split('\n')) {
    if (!line.includes('dirsFromDigest')) continue;
    n += (JSON.parse(line) as { dirsFromDigest: number }).dirsFromDigest;
  }
  return n;
}

/** Subtrees the newest session's native jobs passed over as the scan compared them (clean-walk.ts, tree-walk.ts). */
function subtreesFromScan(dir: string): number {
  return newestLog(dir).split('\n').filter((l) => l.includes('subtreesFromScan')).reduce((n, l) => n + (JSON.parse(l) as { subtreesFromScan: number }).subtreesFromScan, 0);
}

/** Chunks the newest session's native jobs booked whole as the scan found them (unchanged-chunk.ts). */
function unchangedChunks(dir: string): number {
  return newestLog(dir).split('\n').filter((l) => l.includes('the scan found the whole chunk up to date')).length;
}

async function runNightly(dir: string, file: string): Promise<Record<string, unknown>> {
  const r = await runCliLikeCron(['run', '--config', file, '--all', '--json', '--log-level', 'debug'], { cwd: dir });
  expect(r.code, r.stderr + r.stdout).to.equal(0);
  expect(r.stderr, 'no stack trace').to.not.match(/\n\s+at .*\.js:\d+/);
  const profile = (r.summary!.profiles as Array<Record<string, unknown>>)[0];
  expect(profile.result).to.equal('Success');
  return profile;
}

describe('walk-once: a re-run takes unchanged directories from the scan\'s digests, and misses nothing the replica lacks (CLI like cron)', function () {
  this.timeout(120_000);
  let dir: string;
  let src: string;
  let dst: string;
  beforeEach(() => {
    dir = tempDir('robocurse-digest-');
    src = path.join(dir, 'src');
    dst = path.join(dir, 'dst');
    makeTree(src, twoLevelTree('d', 3, 3, 6));
    makeTree(path.join(dir, 'beside'), { 'victim.txt': 'outside the destination' });
  });
  afterEach(() => removeTemp(dir));

  it('an unchanged re-run lists no source directory below the chunk roots again and writes nothing', async () => {
    const file = writeConfig(dir);
    await runNightly(dir, file);
    const before = fileInodes(dst);
    const profile = await runNightly(dir, file);
    expect(profile.filesCopied).to.equal(0);
    expect(profile.filesSkipped).to.equal(fileInodes(src).size);
    // The scan compared every directory with its copy: the three tree chunks (d0, d1, d2) are
    // booked whole, nothing below their roots listed again (scan-compare.it.spec.ts); the root's
    // files-only chunk lists its own directory.
    expect(unchangedChunks(dir), 'chunks booked as the scan found them').to.equal(3);
    expect(dirsFromDigest(dir), 'no directory walked below a chunk root').to.equal(0);
    expect(fileInodes(dst), 'no file written or touched').to.deep.equal(before);
    expect(rsyncDifferences(src, dst)).to.deep.equal([]);
  });

  it('whatever changed in the replica since the last run is put right, with the source unchanged', async () => {
    const file = writeConfig(dir);
    await runNightly(dir, file);
    const beside = hashTree(path.join(dir, 'beside'));
    const p = (...s: string[]): string => path.join(dst, ...s);
    // Same size, new content and mtime.
    fs.writeFileSync(p('d0', 's0', 'f1.dat'), 'D0 S0 F1\n');
    // Same content, mtime one second back.
    const st = fs.statSync(p('d0', 's1', 'f2.dat'));
    fs.utimesSync(p('d0', 's1', 'f2.dat'), st.atime, new Date(st.mtimeMs - 1000));
    fs.chmodSync(p('d1', 's0', 'f3.dat'), 0o600);
    fs.rmSync(p('d1', 's1', 'f4.dat'));
    fs.writeFileSync(p('d2', 's0', 'extra.dat'), 'not in the source');
    makeTree(p('d2', 's1', 'extra-dir'), { 'deep.dat': 'not in the source' });
    fs.writeFileSync(p('d2', 's1', '.f5.dat.robocurse-0123456789ab.tmp'), 'a temp file a killed run left');
    fs.rmSync(p('d1', 's0', 'f0.dat'));
    fs.mkdirSync(p('d1', 's0', 'f0.dat'));
    fs.writeFileSync(p('d0', 's0', 'kept.bak'), 'an excluded name: a mirror keeps it');
    const profile = await runNightly(dir, file);
    expect(profile.filesCopied, 'the rewritten, the older, the deleted and the displaced file').to.equal(4);
    expect(rsyncDifferences(src, dst, ['--exclude', '*.bak']), 'rsync -rlcn --delete finds nothing left').to.deep.equal([]);
    expect(fs.statSync(p('d1', 's0', 'f3.dat')).mode & 0o7777).to.equal(fs.statSync(path.join(src, 'd1', 's0', 'f3.dat')).mode & 0o7777);
    expect(fs.statSync(p('d0', 's1', 'f2.dat')).mtimeMs).to.equal(fs.statSync(path.join(src, 'd0', 's1', 'f2.dat')).mtimeMs);
    expect(fs.existsSync(p('d2', 's1', '.f5.dat.robocurse-0123456789ab.tmp')), 'the stale temp file is gone').to.equal(false);
    expect(fs.readFileSync(p('d0', 's0', 'kept.bak'), 'utf8')).to.equal('an excluded name: a mirror keeps it');
    expect(hashTree(path.join(dir, 'beside')), 'nothing beside the destination changed').to.equal(beside);
    // The directories nobody touched (d0/s2, d1/s2, d2/s2) are passed over as the scan compared
    // them (neither side listed again by the copy).
    expect(subtreesFromScan(dir)).to.equal(3);
    expect(dirsFromDigest(dir)).to.equal(0);
  });

  it('a source file whose extended attribute changed alone (its ctime, not its size or mtime) is compared again', async function () {
    const probe = path.join(dir, 'probe');
    fs.writeFileSync(probe, '');
    try { execFileSync('setfattr', ['-n', 'user.probe', '-v', '1', probe], { stdio: 'ignore' }); } catch { this.skip(); } // the temp file system takes no user.* attributes (tmpfs and ext4 here and in CI do)
    const file = writeConfig(dir);
    await runNightly(dir, file);
    execFileSync('setfattr', ['-n', 'user.label', '-v', 'tonight', path.join(src, 'd1', 's1', 'f2.dat')]);
    await runNightly(dir, file);
    const got = execFileSync('getfattr', ['--only-values', '-n', 'user.label', path.join(dst, 'd1', 's1', 'f2.dat')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(got).to.equal('tonight');
  });

  it('without the digests (a size filter) the same re-run gives the same result', async () => {
    const file = writeConfig(dir, { maxSize: 1_000_000 });
    await runNightly(dir, file);
    fs.writeFileSync(path.join(dst, 'd0', 's0', 'f1.dat'), 'D0 S0 F1\n');
    const profile = await runNightly(dir, file);
    expect(profile.filesCopied).to.equal(1);
    expect(dirsFromDigest(dir), 'no digests with a size filter').to.equal(0);
    expect(rsyncDifferences(src, dst)).to.deep.equal([]);
  });
});
