import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DigestFields, DigestTable } from '../../../../src/api';
import { walkClean, type CleanWalkResult, type CleanWalkTask } from '../../../../src/engines/native/clean-walk';
import { buildDigestTable } from '../../../../src/fs/digest-table';
import { indexKept, newArena } from '../../../../src/fs/kept-listings';
import { HOST_DIR_MODE, type DirMode } from '../../../../src/fs/dir-ref';
import { fsx } from '../../../../src/fs/fsx';
import { walkDirs } from '../../../../src/scan/walk-dirs';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../../helpers/make-tree';
import { walkTaskFor } from '../../../helpers/walk-task';

/**
 * Walk-once on the copy thread (clean-walk.ts, list-dir.ts): with the scan's digests, a directory
 * whose destination matches is not listed again on the source side. Whatever the destination
 * lacks or holds too much, the walk must come to the same result as without the digests: the
 * same directories handed back, the same files and bytes booked. Real trees, both directory modes.
 */
const FIELDS: DigestFields = { modes: true, owners: true };
const EXCLUDES = { excludeFiles: ['*.tmp'], excludeDirs: ['cache'], caseInsensitive: false };

for (const dirMode of [...new Set<DirMode>([HOST_DIR_MODE, 'path'])]) describe(`native engine: a walk with the scan's digests comes to the same result as without them, ${dirMode} mode`, () => {
  let dir: string;
  let src: string;
  let dst: string;
  beforeEach(function () {
    if (!fsx?.listStat) this.skip(); // no helper, no digests: it is built at install and in CI
    dir = tempDir('robocurse-walk-digest-');
    src = path.join(dir, 'src');
    dst = path.join(dir, 'dst');
    const level = (n: string): TreeSpec => ({ [`${n}1.dat`]: `${n} one`.padEnd(20, '.'), [`${n}2.dat`]: `${n} two`.padEnd(20, '.') });
    makeTree(src, { a: { ...level('a'), b: { ...level('b'), c: { ...level('c') } }, x: { 'x.dat': 'x'.repeat(20) } } });
    execFileSync('cp', ['-a', src, dst]);
  });
  afterEach(() => { if (dir) removeTemp(dir); });

  /**
   * The scan's digests of the source, as the orchestrator gets them; with `keep`, also the
   * listings the scan keeps (kept-listings.ts) of every directory (the tree is at rest here, so
   * no minimum age: the coarse clock may stamp a directory made a moment ago with "now").
   */
  function scanDigests(keep = false): DigestTable {
    const arena = keep ? newArena(1 << 20) : undefined;
    const out = walkDirs({ root: src, dirs: [''], budget: 1_000_000, excludes: EXCLUDES, digest: FIELDS, ...(arena ? { keepListings: arena, keptMinAgeMs: -60_000 } : {}) });
    const table = buildDigestTable(out.digests ? [out.digests] : [], FIELDS, Date.now());
    return arena ? { ...table, listings: indexKept(arena, out.dirs.flatMap((d) => (d.kept === undefined ? [] : [[d.relPath, d.kept] as [string, number]]))) } : table;
  }
  const task = (root: string, over: Partial<CleanWalkTask> = {}): CleanWalkTask => walkTaskFor(src, root, dirMode, { excludes: EXCLUDES, ...over });
  const outcome = (r: CleanWalkResult): unknown => ({ dirty: r.dirty.map((d) => d.rel).sort(), files: r.files, bytes: r.bytes, left: r.left.length });

  it('an unchanged tree: every directory from the digests, the same files and bytes booked', () => {
    const digests = scanDigests();
    const plain = walkClean(task(dst));
    const withDigests = walkClean(task(dst, { digests }));
    expect(outcome(withDigests)).to.deep.equal(outcome(plain));
    expect(withDigests.files).to.equal(7);
    expect(withDigests.fromDigest, 'a, a/b, a/b/c, a/x').to.equal(4);
    expect(plain.fromDigest).to.equal(0);
  });

  const changes: Array<[string, (d: string) => void, string[]]> = [
    ['a rewritten file of the same size', (d) => fs.writeFileSync(path.join(d, 'a', 'b', 'b1.dat'), 'B ONE'.padEnd(20, '.')), ['a/b']],
    ['a deleted file', (d) => fs.rmSync(path.join(d, 'a', 'b', 'c', 'c2.dat')), ['a/b/c']],
    ['an extra file', (d) => fs.writeFileSync(path.join(d, 'a', 'x', 'extra.dat'), 'not in the source'), ['a/x']],
    ['a changed mode', (d) => fs.chmodSync(path.join(d, 'a', 'b', 'b2.dat'), 0o600), ['a/b']],
    ['a directory where a file belongs', (d) => { fs.rmSync(path.join(d, 'a', 'x', 'x.dat')); fs.mkdirSync(path.join(d, 'a', 'x', 'x.dat')); }, ['a/x']],
    // Removing it changes the directory's mtime: handed back to have it set again, both ways.
    ['a stale temp file of ours', (d) => fs.writeFileSync(path.join(d, 'a', 'b', '.b1.dat.robocurse-0123456789ab.tmp'), 'left by a kill'), ['a/b']],
    ['an excluded extra (kept, never compared)', (d) => fs.writeFileSync(path.join(d, 'a', 'b', 'kept.tmp'), 'excluded'), []],
    ['a missing subdirectory', (d) => fs.rmSync(path.join(d, 'a', 'b', 'c'), { recursive: true }), ['a/b']],
  ];
  for (const [what, change, handedBack] of changes) {
    it(`${what}: the same directories handed back, the same files booked`, () => {
      const digests = scanDigests();
      change(dst);
      // The parents' times as the source's again, so only the change itself differs.
      for (const rel of ['a', 'a/b', 'a/b/c', 'a/x']) if (fs.existsSync(path.join(dst, rel))) execFileSync('touch', ['-h', '-r', path.join(src, rel), path.join(dst, rel)]);
      const twin = path.join(dir, 'twin');
      execFileSync('cp', ['-a', dst, twin]);
      const third = path.join(dir, 'third');
      execFileSync('cp', ['-a', dst, third]);
      const withDigests = walkClean(task(dst, { digests }));
      const plain = walkClean(task(twin));
      // The same with the source listings the scan kept: taken for each directory whose copy differs.
      const withKept = walkClean(task(third, { digests: { ...digests, listings: scanDigests(true).listings! } }));
      expect(outcome(withDigests)).to.deep.equal(outcome(plain));
      expect(outcome(withKept), 'with kept listings').to.deep.equal(outcome(plain));
      expect(withDigests.dirty.map((d) => d.rel).sort()).to.deep.equal(handedBack);
      expect(withDigests.fromDigest, 'the directories not changed still come from the digests').to.be.greaterThan(0);
      expect(withKept.fromScanListing, 'the changed directories from the kept listings').to.be.at.least(handedBack.length);
      expect(withDigests.fromScanListing).to.equal(0);
    });
  }

  it('a source file changed after the scan, in a directory whose copy matches the scan: left to the next run (what a digest means)', () => {
    const digests = scanDigests();
    fs.writeFileSync(path.join(src, 'a', 'x', 'x.dat'), 'changed after the scan, another size');
    execFileSync('touch', ['-h', '-r', path.join(dst, 'a', 'x'), path.join(src, 'a', 'x')]);
    expect(walkClean(task(dst, { digests })).dirty, 'taken as the scan saw it').to.deep.equal([]);
    expect(walkClean(task(dst)).dirty.map((d) => d.rel), 'without the digests: seen').to.deep.equal(['a/x']);
  });
});
