import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { fileInodes } from '../../helpers/file-inodes';
import { makeTree, removeTemp, tempDir, twoLevelTree, type TreeSpec } from '../../helpers/make-tree';
import { writeNightlyConfig } from '../../helpers/nightly-config';
import { newestLog } from '../../helpers/session-log';
import { MIN_TRIED } from '../../../src/scan/compare-copy';

/**
 * The scan compares each source directory with its copy (src/scan/compare-copy.ts), and the
 * native engine books a chunk whose whole tree matched without listing it again
 * (unchanged-chunk.ts). Run through the CLI as cron runs it, these check that this never leaves
 * a difference in place: the destination's own directories changed (mode, time, attributes), a
 * destination directory swapped for a link to an identical copy elsewhere; and that a tree where
 * everything changed stops being compared early (its cost is a second listing).
 */


function logLines(dir: string, text: string): string[] {
  return newestLog(dir).split('\n').filter((l) => l.includes(text));
}

/** Chunks booked whole from the scan in the newest session, by their chunk log's path. */
function bookedFromScan(dir: string): number {
  return logLines(dir, 'the scan found the whole chunk up to date').length;
}

/** The scan's own count (orchestrator debug line): directories compared, and up to date. */
function compared(dir: string): { tried: number; same: number; unchangedChunks: number } {
  const line = logLines(dir, 'directories compared with the destination')[0];
  expect(line, 'the scan compared the destination').to.be.a('string');
  return JSON.parse(line) as { tried: number; same: number; unchangedChunks: number };
}

describe('a re-run\'s scan compares each directory with its copy and books unchanged chunks whole (CLI like cron, native engine)', function () {
  this.timeout(120_000);
  let dir: string;
  let src: string;
  let dst: string;
  let file: string;

  async function run(): Promise<Record<string, unknown>> {
    const r = await runCliLikeCron(['run', '--config', file, '--all', '--json', '--log-level', 'debug'], { cwd: dir });
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(r.stderr, 'no stack trace').to.not.match(/\n\s+at .*\.js:\d+/);
    return (r.summary!.profiles as Array<Record<string, unknown>>)[0];
  }

  beforeEach(async () => {
    dir = tempDir('robocurse-scancmp-');
    src = path.join(dir, 'src');
    dst = path.join(dir, 'dst');
    makeTree(src, twoLevelTree('t', 3, 3, 5));
    makeTree(path.join(dir, 'beside'), { 'victim.txt': 'outside the destination' });
    file = writeNightlyConfig(dir, { chunking: { maxChunkFiles: 6 }, retry: { maxAttempts: 1 }, preserve: { modes: true } });
    const first = await run();
    expect(first.filesCopied).to.equal(49);
    expect(bookedFromScan(dir), 'a first copy finds nothing to book').to.equal(0);
  });
  afterEach(() => removeTemp(dir));

  it('an unchanged re-run books every tree chunk from the scan and writes nothing', async () => {
    const before = fileInodes(dst);
    const profile = await run();
    expect([profile.filesCopied, profile.filesSkipped, profile.chunksFailed]).to.deep.equal([0, 49, 0]);
    // Nine s directories are tree chunks; the root and t0..t2 are split (their own files alone).
    expect(bookedFromScan(dir)).to.equal(9);
    expect(compared(dir)).to.include({ tried: 13, same: 13, unchangedChunks: 9 });
    expect(fileInodes(dst), 'no file written or touched').to.deep.equal(before);
    expect(rsyncDifferences(src, dst)).to.deep.equal([]);
  });

  it('a destination directory whose own mode, time or attributes changed is not booked, and is put right', async () => {
    const probe = path.join(dir, 'probe');
    fs.writeFileSync(probe, '');
    let xattrs = true;
    try { execFileSync('setfattr', ['-n', 'user.probe', '-v', '1', probe], { stdio: 'ignore' }); } catch { xattrs = false; }
    fs.chmodSync(path.join(dst, 't0', 's0'), 0o700);
    const st = fs.statSync(path.join(dst, 't1', 's1'));
    fs.utimesSync(path.join(dst, 't1', 's1'), st.atime, new Date(st.mtimeMs - 5000));
    if (xattrs) execFileSync('setfattr', ['-n', 'user.stray', '-v', 'x', path.join(dst, 't2', 's2')]);
    await run();
    expect(bookedFromScan(dir), 'the changed directories are compared by the copy').to.equal(xattrs ? 6 : 7);
    expect(fs.statSync(path.join(dst, 't0', 's0')).mode & 0o7777).to.equal(fs.statSync(path.join(src, 't0', 's0')).mode & 0o7777);
    expect(fs.statSync(path.join(dst, 't1', 's1')).mtimeMs).to.equal(fs.statSync(path.join(src, 't1', 's1')).mtimeMs);
    if (xattrs) expect(execFileSync('getfattr', ['-d', '--absolute-names', path.join(dst, 't2', 's2')], { encoding: 'utf8' })).to.not.include('user.stray');
    expect(rsyncDifferences(src, dst)).to.deep.equal([]);
  });

  it('a destination directory swapped for a link to an identical copy elsewhere: nothing below it is booked from the scan, nothing is written there', async () => {
    const elsewhere = path.join(dir, 'elsewhere');
    fs.renameSync(path.join(dst, 't1'), elsewhere);
    fs.symlinkSync(elsewhere, path.join(dst, 't1'));
    const outside = hashTree(elsewhere);
    const beside = hashTree(path.join(dir, 'beside'));
    const r = await runCliLikeCron(['run', '--config', file, '--all', '--json', '--log-level', 'debug'], { cwd: dir });
    expect([0, 1, 2], r.stderr).to.include(r.code);
    expect(bookedFromScan(dir), 't1/s0..s2 are reached through the link: never booked').to.equal(6);
    expect(hashTree(elsewhere), 'nothing written through the link').to.equal(outside);
    expect(hashTree(path.join(dir, 'beside'))).to.equal(beside);
    // The mirror replaced the link (its target untouched); the next run completes the replica.
    expect(fs.lstatSync(path.join(dst, 't1')).isSymbolicLink(), 'the link is replaced by a directory').to.equal(false);
    await run();
    expect(rsyncDifferences(src, dst)).to.deep.equal([]);
    expect(hashTree(elsewhere)).to.equal(outside);
  });

  it('a change deep in one chunk: the walk lists only the path to it, the subtrees beside it are passed over as the scan found them', async () => {
    // One tree chunk for everything.
    file = writeNightlyConfig(dir, { chunking: { maxChunkFiles: 1000 }, retry: { maxAttempts: 1 }, preserve: { modes: true } });
    await run();
    fs.writeFileSync(path.join(src, 't1', 's2', 'f3.dat'), 'rewritten tonight, longer than before');
    fs.rmSync(path.join(dst, 't2', 's0', 'f1.dat')); // the replica lost a file: t2/s0 is not passed over either
    const before = fileInodes(dst);
    const profile = await run();
    expect([profile.filesCopied, profile.filesSkipped]).to.deep.equal([2, 47]);
    const passed = logLines(dir, 'subtrees up to date as the scan compared them').map((l) => (JSON.parse(l) as { subtreesFromScan: number }).subtreesFromScan);
    // t0 whole; t1/s0, t1/s1; t2/s1, t2/s2.
    expect(passed.reduce((a, b) => a + b, 0)).to.equal(5);
    const changed = [...fileInodes(dst)].filter(([rel, id]) => before.get(rel) !== id).map(([rel]) => rel).sort();
    expect(changed, 'only the two files written').to.deep.equal(['t1/s2/f3.dat', 't2/s0/f1.dat']);
    expect(rsyncDifferences(src, dst)).to.deep.equal([]);
  });

  it('a tree where every directory changed stops being compared after a few directories', async () => {
    // A scan task compares at most MIN_TRIED directories that all differ, and the scanner gives
    // comparisons only to tasks it starts while the results so far say comparing pays. The root's
    // task runs first, alone (here it meets the changed leaves: 16 tried); a bound for any
    // machine is that task and one wave of tasks (two per scan thread). The tree is twice that.
    const bound = MIN_TRIED * (2 * os.availableParallelism() + 1);
    const count = Math.max(200, 2 * bound);
    const many: TreeSpec = {};
    for (let i = 0; i < count; i++) many[`m${i}`] = { 'a.dat': `a ${i}` };
    makeTree(path.join(src, 'many'), many);
    await run();
    // Each leaf gets a file the replica lacks.
    for (let i = 0; i < count; i++) fs.writeFileSync(path.join(src, 'many', `m${i}`, 'b.dat'), `b ${i}`);
    const profile = await run();
    expect(profile.filesCopied).to.equal(count);
    const c = compared(dir);
    expect(c.tried, JSON.stringify(c)).to.be.at.most(bound);
    expect(rsyncDifferences(src, dst)).to.deep.equal([]);
  });
});
