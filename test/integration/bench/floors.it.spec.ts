import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsx } from '../../../src/fs/fsx';
import { fileInodes } from '../../helpers/file-inodes';
import { diffTrees, removeTemp, tempDir, twoLevelTree, makeTree } from '../../helpers/make-tree';
import { expectDoneAsRsyncSays, rsyncPlan } from '../../helpers/rsync-oracle';

/**
 * The benchmark's floors (bench/floor/) are what robocurse is measured against in issue #17's
 * table: a floor that did less than it claims would flatter nothing but would mislead. Each runs
 * here as the bench runs it, a child process on a real tree, and must do what `rsync` says.
 */
const FLOORS = path.resolve(__dirname, '../../../bench/floor');

function floor(script: string, src: string, dst: string, env: NodeJS.ProcessEnv = {}): Record<string, number> {
  const r = spawnSync(process.execPath, [path.join(FLOORS, script), src, dst], { encoding: 'utf8', env: { ...process.env, ...env } });
  expect(r.status, r.stderr).to.equal(0);
  return JSON.parse(r.stdout) as Record<string, number>;
}

/** Changes the copy so that it lags the source: other content, an older mtime, files and a directory the source lacks, a file and a directory it lacks */
function ageCopy(dst: string): void {
  fs.writeFileSync(path.join(dst, 't0/s0/f0.dat'), 'another size');
  const old = new Date('2020-01-01T00:00:00Z');
  fs.utimesSync(path.join(dst, 't1/s1/f1.dat'), old, old);
  fs.writeFileSync(path.join(dst, 't2/extra.txt'), 'not in the source');
  fs.mkdirSync(path.join(dst, 't2/gone/deep'), { recursive: true });
  fs.writeFileSync(path.join(dst, 't2/gone/deep/x.txt'), 'x');
  fs.rmSync(path.join(dst, 't3/s0/f2.dat'));
  fs.rmSync(path.join(dst, 't3/s1'), { recursive: true });
}

describe('bench floors: they do the work they stand for', function () {
  this.timeout(60_000);
  let root: string;
  let src: string;
  let dst: string;
  beforeEach(() => {
    root = tempDir('floors-');
    src = path.join(root, 'src');
    dst = path.join(root, 'dst');
    makeTree(src, twoLevelTree('t', 4, 3, 5));
    expect(spawnSync('cp', ['-a', `${src}/.`, dst]).status).to.equal(0);
  });
  afterEach(() => removeTemp(root));

  it('walk-floor lists both trees and counts the files whose copy differs, writing nothing', () => {
    ageCopy(dst);
    const before = fileInodes(dst);
    const out = floor('walk-floor.js', src, dst);
    // 1 + 4 × (1 + 3 × 5) files; differing: other size, older mtime, a file removed, a directory of 5 removed.
    expect(out).to.deep.include({ files: 65, differing: 8 });
    expect(fileInodes(dst)).to.deep.equal(before);
  });

  it('mirror-floor makes the copy equal to the source exactly as `rsync -a --delete` would', () => {
    ageCopy(dst);
    const before = fileInodes(dst);
    const oracle = rsyncPlan(src, dst, []);
    const out = floor('mirror-floor.js', src, dst);
    expect(out).to.deep.include({ files: 65, copied: 8, removed: 2 });
    expectDoneAsRsyncSays(dst, before, oracle);
    expect(diffTrees(src, dst)).to.deep.equal([]);
    expect(rsyncPlan(src, dst, []), 'rsync finds nothing left to do').to.deep.equal({ transfer: [], deleted: [] });
    expect(fs.readdirSync(root).sort()).to.deep.equal(['dst', 'src']);
  });

  it('mirror-floor replaces an entry of another type (a file where the source has a directory, and the reverse)', () => {
    fs.rmSync(path.join(dst, 't3/s2'), { recursive: true });
    fs.writeFileSync(path.join(dst, 't3/s2'), 'a file where the source has a directory');
    fs.rmSync(path.join(dst, 't1/top.txt'));
    fs.mkdirSync(path.join(dst, 't1/top.txt'));
    const out = floor('mirror-floor.js', src, dst);
    expect(out).to.deep.include({ copied: 6, removed: 2 });
    expect(diffTrees(src, dst)).to.deep.equal([]);
    expect(rsyncPlan(src, dst, []), 'rsync finds nothing left to do').to.deep.equal({ transfer: [], deleted: [] });
  });

  it('the guarded mirror-floor does the same through temp names, leaving modes and directory times as rsync -a does', function () {
    if (!fsx?.copyFileFd) this.skip(); // the guarded floor needs the native helper (built at install and in CI)
    ageCopy(dst);
    fs.chmodSync(path.join(src, 't0/s0/f0.dat'), 0o640);
    const before = fileInodes(dst);
    const oracle = rsyncPlan(src, dst, []);
    const out = floor('mirror-floor.js', src, dst, { MIRROR_FLOOR_GUARDED: '1' });
    expect(out).to.deep.include({ files: 65, copied: 8, removed: 2 });
    expectDoneAsRsyncSays(dst, before, oracle);
    expect(diffTrees(src, dst)).to.deep.equal([]);
    expect(fs.statSync(path.join(dst, 't0/s0/f0.dat')).mode & 0o7777).to.equal(0o640);
    const left = spawnSync('rsync', ['-ain', '--delete', `${src}/`, `${dst}/`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    expect(left, 'nothing left for rsync -a, directory times included').to.deep.equal([]);
    expect(fs.readdirSync(root).sort()).to.deep.equal(['dst', 'src']);
  });
});
