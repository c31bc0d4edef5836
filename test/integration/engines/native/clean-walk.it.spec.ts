import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FLAG_SUSPENDED } from '../../../../src/engines/native/batch-protocol';
import { walkClean, type CleanWalkResult, type CleanWalkTask, type WalkItem } from '../../../../src/engines/native/clean-walk';
import { HOST_DIR_MODE, refOf, type DirMode } from '../../../../src/fs/dir-ref';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../../helpers/make-tree';
import { walkTaskFor } from '../../../helpers/walk-task';

/**
 * The thread half of an unchanged subtree (clean-walk.ts), on real trees: what it books itself,
 * what it hands back to the main thread (with the listing), and what it leaves unlisted. A
 * directory is booked only when the tree walk would do and report nothing for it.
 */
// Through /proc (this host's way) and by path (macOS, Windows, Linux without /proc).
for (const dirMode of [...new Set<DirMode>([HOST_DIR_MODE, 'path'])]) describe(`native engine: the copy thread walks unchanged subtrees alone (clean-walk.ts), ${dirMode} mode`, () => {
  let dir: string;
  let src: string;
  let dst: string;
  beforeEach(() => {
    dir = tempDir('robocurse-clean-walk-');
    src = path.join(dir, 'src');
    dst = path.join(dir, 'dst');
    // a/ holds 3 levels: a/b/c with 2 files each, a/x with one file; 9 files, 20 bytes each.
    const level = (n: string): TreeSpec => ({ [`${n}1.dat`]: `${n} one`.padEnd(20, '.'), [`${n}2.dat`]: `${n} two`.padEnd(20, '.') });
    makeTree(src, { a: { ...level('a'), b: { ...level('b'), c: { ...level('c') } }, x: { 'x.dat': 'x'.repeat(20) } }, 'top.dat': 'top' });
    // The replica as a copy keeping modes and times makes it.
    execFileSync('cp', ['-a', src, dst]);
  });
  afterEach(() => removeTemp(dir));

  const task = (over: Partial<CleanWalkTask> = {}): CleanWalkTask => walkTaskFor(src, dst, dirMode, over);
  const dirtyRels = (r: CleanWalkResult): string[] => r.dirty.map((d) => d.rel).sort();
  /** Gives the destination directory `rel` its source's times again (to the nanosecond), after a test wrote in it. */
  const sameTimes = (...rels: string[]): void => { for (const rel of rels) execFileSync('touch', ['-h', '-r', path.join(src, rel), path.join(dst, rel)]); };

  it('books an unchanged subtree whole: every file and byte, nothing handed back', () => {
    const r = walkClean(task());
    expect([r.files, r.bytes]).to.deep.equal([7, 140]);
    expect(r.dirty).to.deep.equal([]);
    expect(r.left).to.deep.equal([]);
  });

  it('a directory whose identity from its parent\'s listing no longer holds is reached through its parent, as without it', () => {
    const a = refOf(path.join(dst, 'a'), fs.lstatSync(path.join(dst, 'a')));
    const other = fs.lstatSync(path.join(dst, 'a', 'x')); // not b's identity: b was replaced since
    const item = (): WalkItem => ({ src: refOf(path.join(src, 'a', 'b'), fs.lstatSync(path.join(src, 'a', 'b'))), target: { parent: a, name: 'b', seen: { dev: other.dev, ino: other.ino } }, rel: 'a/b' });
    const r = walkClean(task({ items: [item()] }));
    expect([r.files, r.dirty, r.left]).to.deep.equal([4, [], []]);
    // Gone since: its parent makes it again, and hands it back (made), as the main thread would.
    fs.rmSync(path.join(dst, 'a', 'b'), { recursive: true });
    const again = walkClean(task({ items: [item()] }));
    expect(dirtyRels(again)).to.deep.equal(['a/b']);
    expect(again.dirty[0].listed.ok && again.dirty[0].listed.made).to.equal(true);
  });

  it('hands back exactly the directories with something to do, with their listings, and books the rest', () => {
    fs.writeFileSync(path.join(src, 'a', 'b', 'c', 'c1.dat'), 'changed, another size'); // a file to copy, 3 levels down
    fs.writeFileSync(path.join(dst, 'a', 'x', 'extra.dat'), 'not in the source'); // an extra
    sameTimes('a/x');
    const r = walkClean(task());
    expect(dirtyRels(r)).to.deep.equal(['a/b/c', 'a/x']);
    // a and a/b were clean: their 4 files booked; a/b/c and a/x are the main thread's.
    expect([r.files, r.bytes]).to.deep.equal([4, 80]);
    const c = r.dirty.find((d) => d.rel === 'a/b/c')!;
    expect(c.listed.ok && c.listed.src.names).to.deep.equal(['c1.dat', 'c2.dat']);
    expect(c.parent?.rel, 'a directory reached by the walk names its parent').to.equal('a/b');
    expect(c.target).to.have.property('name', 'c');
  });

  for (const [what, change] of [
    ['a destination directory whose mode differs', () => fs.chmodSync(path.join(dst, 'a', 'b'), 0o700)],
    ['a destination directory whose mtime differs', () => fs.utimesSync(path.join(dst, 'a', 'b'), new Date(0), new Date(0))],
    ['a symbolic link in the source', () => fs.symlinkSync('b1.dat', path.join(src, 'a', 'b', 'link'))],
    ['a missing destination subdirectory', () => fs.rmSync(path.join(dst, 'a', 'b', 'c'), { recursive: true })],
    ['a file where the source has a directory', () => { fs.rmSync(path.join(dst, 'a', 'b', 'c'), { recursive: true }); fs.writeFileSync(path.join(dst, 'a', 'b', 'c'), 'in the way'); }],
  ] as Array<[string, () => void]>) {
    it(`hands back ${what}`, () => {
      change();
      const r = walkClean(task());
      expect(dirtyRels(r)).to.deep.equal(['a/b']);
      expect(r.files, 'a/ and a/x only').to.equal(3);
    });
  }

  it('passes over excluded names on both sides, as the tree walk keeps them', () => {
    fs.writeFileSync(path.join(dst, 'a', 'b', 'kept.tmp'), 'an excluded extra');
    fs.writeFileSync(path.join(src, 'a', 'b', 'left-out.tmp'), 'an excluded source file');
    fs.mkdirSync(path.join(dst, 'a', 'cache'));
    sameTimes('a', 'a/b');
    const r = walkClean(task({ excludes: { excludeFiles: ['*.tmp'], excludeDirs: ['cache'], caseInsensitive: false } }));
    expect(r.dirty).to.deep.equal([]);
    expect(r.files).to.equal(7);
    // Without the excludes a/ has an extra (cache/) and goes to the main thread (a/b below it then too).
    expect(dirtyRels(walkClean(task()))).to.deep.equal(['a']);
  });

  it('a case-insensitive destination: a name in another case is handed back', () => {
    fs.renameSync(path.join(dst, 'a', 'x', 'x.dat'), path.join(dst, 'a', 'x', 'X.dat'));
    sameTimes('a/x');
    expect(dirtyRels(walkClean(task({ destinationCaseInsensitive: true })))).to.deep.equal(['a/x']);
  });

  it('stops at its budget and when the job is suspended, leaving the rest unlisted', () => {
    const r = walkClean(task({ budget: 2 }));
    expect(r.left.map((l) => l.rel)).to.deep.equal(['a/b/c', 'a/x']);
    expect(r.left.every((l) => l.parent !== undefined)).to.equal(true);
    const flags = new Int32Array(new SharedArrayBuffer(8));
    Atomics.store(flags, FLAG_SUSPENDED, 1);
    const s = walkClean(task({ flags }));
    expect([s.files, s.left.map((l) => l.rel)]).to.deep.equal([0, ['a']]);
  });

  it('a source directory replaced after its parent was listed is handed back, never followed', () => {
    // The item names the directory as it was; a link stands there now.
    const item = task().items[0];
    fs.renameSync(path.join(src, 'a'), path.join(src, 'a-moved'));
    fs.symlinkSync(path.join(src, 'a-moved'), path.join(src, 'a'));
    const r = walkClean(task({ items: [item] }));
    expect(r.files).to.equal(0);
    expect(r.dirty.map((d) => [d.rel, d.listed.ok])).to.deep.equal([['a', false]]);
  });
});
