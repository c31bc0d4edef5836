import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FLAG_SUSPENDED, Outcome } from '../../../../src/engines/native/batch-protocol';
import { walkClean, type CleanWalkResult, type CleanWalkTask } from '../../../../src/engines/native/clean-walk';
import copyBatch from '../../../../src/engines/native/copy-worker';
import { DELETES_HELD, DELETES_USED, NO_DELETE_LIMIT, newDeletionCounts } from '../../../../src/engines/native/deletion-counts';
import { fixDirectory, MAX_FIX_FILES, type FixOptions, type FixWork } from '../../../../src/engines/native/fix-dir';
import { KEEP } from '../../../../src/engines/native/keep-flags';
import { HOST_DIR_MODE, refOf, type DirMode } from '../../../../src/fs/dir-ref';
import { hashTree } from '../../../helpers/cli-child';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../../helpers/make-tree';
import { walkTaskFor } from '../../../helpers/walk-task';

/**
 * A walk task that puts directories right on the copy thread (fix-dir.ts through clean-walk.ts),
 * on real trees: what it does itself (files copied through the batch code, extra files removed
 * within the shared maxDeletes count, the directory's mode and times set), and what it leaves to
 * the main thread untouched. `rsync -ain --delete` is the oracle of "put right".
 */
for (const dirMode of [...new Set<DirMode>([HOST_DIR_MODE, 'path'])]) describe(`native engine: a walk task puts directories right on the copy thread (fix-dir.ts), ${dirMode} mode`, () => {
  let dir: string;
  let src: string;
  let dst: string;
  beforeEach(() => {
    dir = tempDir('robocurse-fix-dir-');
    src = path.join(dir, 'src');
    dst = path.join(dir, 'dst');
    const level = (n: string): TreeSpec => ({ [`${n}1.dat`]: `${n} one`.padEnd(20, '.'), [`${n}2.dat`]: `${n} two`.padEnd(20, '.') });
    makeTree(src, { a: { ...level('a'), b: { ...level('b'), c: { ...level('c') } }, x: { 'x.dat': 'x'.repeat(20) } } });
    execFileSync('cp', ['-a', src, dst]);
    makeTree(path.join(dir, 'beside'), { 'victim.txt': 'outside the destination' });
  });
  afterEach(() => removeTemp(dir));

  function fixOptions(over: Partial<FixOptions> = {}): FixOptions {
    return { mirror: true, streamThresholdBytes: 8 * 1024 * 1024, umask: 0o022, deletions: newDeletionCounts(), deleteLimit: NO_DELETE_LIMIT, maxBytes: 16 * 1024 * 1024, ...over };
  }
  const task = (over: Partial<CleanWalkTask> = {}, fix: Partial<FixOptions> = {}): CleanWalkTask => walkTaskFor(src, dst, dirMode, { fix: fixOptions(fix), ...over });
  const rels = (r: CleanWalkResult, key: 'dirty' | 'fixed'): string[] => r[key].map((d) => d.rel).sort();
  /** What `rsync -ain --delete` still finds between the two `a` directories (directory times and modes included). */
  const rsyncLeft = (): string[] => spawnSync('rsync', ['-ain', '--delete', `${src}/a/`, `${dst}/a/`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);

  it('copies changed and new files, removes extra files and sets the directories\' mode and times: rsync finds nothing left', () => {
    fs.writeFileSync(path.join(src, 'a', 'b', 'c', 'c1.dat'), 'changed, another size');
    fs.writeFileSync(path.join(src, 'a', 'b', 'c', 'new.dat'), 'new three levels down');
    fs.writeFileSync(path.join(dst, 'a', 'b', 'extra.dat'), 'only in the destination');
    fs.symlinkSync(path.join(dir, 'beside', 'victim.txt'), path.join(dst, 'a', 'b', 'extra-link'));
    fs.chmodSync(path.join(dst, 'a', 'x'), 0o700);
    const beside = hashTree(path.join(dir, 'beside'));
    const r = walkClean(task(), copyBatch);
    expect(rels(r, 'dirty'), 'nothing for the main thread').to.deep.equal([]);
    expect(rels(r, 'fixed')).to.deep.equal(['a/b', 'a/b/c', 'a/x']);
    const c = r.fixed.find((d) => d.rel === 'a/b/c')!;
    expect([c.names, c.dests, [...c.result!.outcomes]]).to.deep.equal([['c1.dat', 'new.dat'], 'fn', [Outcome.Copied, Outcome.Copied]]);
    const b = r.fixed.find((d) => d.rel === 'a/b')!;
    expect(b.removed.sort()).to.deep.equal(['extra-link', 'extra.dat']);
    expect(r.fixed.every((d) => d.attrsSet && d.errors.length === 0)).to.equal(true);
    // Booked here: the unchanged files (a: 2, a/b: 2, a/b/c: c2, a/x: 1).
    expect(r.files).to.equal(6);
    expect(rsyncLeft(), 'rsync -ain --delete finds nothing').to.deep.equal([]);
    expect(hashTree(path.join(dir, 'beside')), 'the link was removed, its target untouched').to.equal(beside);
  });

  it(`a wide directory with ${MAX_FIX_FILES} files to copy and 100 extras is put right on the thread; one file more and it goes to the main thread untouched`, () => {
    const wide = (d: string): string => path.join(d, 'a', 'x');
    for (let i = 0; i < MAX_FIX_FILES; i++) fs.writeFileSync(path.join(wide(src), `new-${i}.dat`), `new ${i}`);
    for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(wide(dst), `extra-${i}.dat`), `extra ${i}`);
    const r = walkClean(task(), copyBatch);
    expect([rels(r, 'dirty'), rels(r, 'fixed')]).to.deep.equal([[], ['a/x']]);
    expect(r.fixed[0].result!.outcomes.filter((o) => o === Outcome.Copied)).to.have.length(MAX_FIX_FILES);
    expect(r.fixed[0].removed).to.have.length(100);
    expect(rsyncLeft(), 'rsync -ain --delete finds nothing').to.deep.equal([]);

    fs.writeFileSync(path.join(wide(src), 'one-more.dat'), 'one more');
    for (let i = 0; i < MAX_FIX_FILES; i++) fs.writeFileSync(path.join(wide(src), `new-${i}.dat`), `changed ${i}, longer`);
    fs.writeFileSync(path.join(wide(dst), 'extra-again.dat'), 'extra');
    const before = hashTree(wide(dst));
    const again = walkClean(task(), copyBatch);
    expect([rels(again, 'dirty'), rels(again, 'fixed')]).to.deep.equal([['a/x'], []]);
    expect(hashTree(wide(dst)), 'nothing in it touched').to.equal(before);
  });

  it('closes every directory it opened: those it put right (their listing\'s open directories kept for the fix), those it handed back, those clean', function () {
    if (!fs.existsSync('/proc/self/fd')) this.skip(); // counted in /proc
    const open = (): number => fs.readdirSync('/proc/self/fd').length;
    fs.writeFileSync(path.join(src, 'a', 'a1.dat'), 'changed, another size'); // put right
    fs.writeFileSync(path.join(dst, 'a', 'x', 'extra.dat'), 'only in the destination'); // put right
    makeTree(path.join(dst, 'a', 'b', 'old'), { 'o.dat': 'o' }); // a directory to remove: a/b handed back
    const before = open();
    const r = walkClean(task(), copyBatch);
    expect([rels(r, 'dirty'), rels(r, 'fixed')]).to.deep.equal([['a/b'], ['a', 'a/x']]);
    expect(open(), 'descriptors open after the walk').to.equal(before);
  });

  it('names that are not UTF-8: copied and removed byte for byte', () => {
    const bytes = (dirPath: string, name: Buffer): Buffer => Buffer.concat([Buffer.from(`${dirPath}/`), name]);
    fs.writeFileSync(bytes(path.join(src, 'a', 'b'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x64])), 'latin-1 name, new');
    fs.writeFileSync(bytes(path.join(dst, 'a', 'b'), Buffer.from([0xff, 0xfe, 0x2e, 0x78])), 'not UTF-8, only in the destination');
    const r = walkClean(task(), copyBatch);
    expect([rels(r, 'dirty'), rels(r, 'fixed')]).to.deep.equal([[], ['a/b']]);
    expect(r.fixed[0].removed).to.have.length(1);
    expect(rsyncLeft(), 'rsync -ain --delete finds nothing').to.deep.equal([]);
  });

  it('without mirror, an extra file is counted and stays', () => {
    fs.writeFileSync(path.join(dst, 'a', 'b', 'extra.dat'), 'only in the destination');
    const r = walkClean(task({}, { mirror: false }), copyBatch);
    expect(rels(r, 'fixed')).to.deep.equal(['a/b']);
    expect([r.fixed[0].extras, r.fixed[0].removed]).to.deep.equal([1, []]);
    expect(fs.readFileSync(path.join(dst, 'a', 'b', 'extra.dat'), 'utf8')).to.equal('only in the destination');
  });

  it('maxDeletes: the count shared with the main thread admits exactly the limit across directories, and holds the rest', () => {
    for (const d of ['a/b', 'a/b/c']) for (const n of ['e1.dat', 'e2.dat']) fs.writeFileSync(path.join(dst, d, n), 'extra');
    const fix = fixOptions({ deleteLimit: 3 });
    Atomics.store(fix.deletions, DELETES_USED, 1); // one deletion the main thread made before
    const r = walkClean({ ...task(), fix }, copyBatch);
    const removed = r.fixed.flatMap((d) => d.removed.map((n) => `${d.rel}/${n}`));
    expect(removed).to.have.length(2);
    expect([Atomics.load(fix.deletions, DELETES_USED), Atomics.load(fix.deletions, DELETES_HELD)]).to.deep.equal([3, 2]);
    const left = ['a/b', 'a/b/c'].flatMap((d) => ['e1.dat', 'e2.dat'].map((n) => `${d}/${n}`)).filter((p) => fs.existsSync(path.join(dst, p)));
    expect(left).to.have.length(2);
    expect([...removed, ...left].sort()).to.deep.equal(['a/b/c/e1.dat', 'a/b/c/e2.dat', 'a/b/e1.dat', 'a/b/e2.dat']);
  });

  for (const [what, change, fix, keep] of [
    ['a directory to remove', () => makeTree(path.join(dst, 'a', 'b', 'old'), { 'o.dat': 'o' }), {}, undefined],
    ['a file above the stream threshold', () => fs.writeFileSync(path.join(src, 'a', 'b', 'big.dat'), Buffer.alloc(4096, 1)), { streamThresholdBytes: 1024 }, undefined],
    ['a name of a hard-linked file', () => fs.linkSync(path.join(src, 'a', 'b', 'b1.dat'), path.join(src, 'a', 'b', 'b1-link.dat')), {}, KEEP.modes | KEEP.hardLinks],
    ['more files to copy than one directory may have on the thread (MAX_FIX_FILES)', () => { for (let i = 0; i <= MAX_FIX_FILES; i++) fs.writeFileSync(path.join(src, 'a', 'b', `n${i}.dat`), 'n'); }, {}, undefined],
    ['more bytes than the task may copy', () => fs.writeFileSync(path.join(src, 'a', 'b', 'n.dat'), Buffer.alloc(2048, 1)), { maxBytes: 1024 }, undefined],
    ['a symbolic link in the source', () => fs.symlinkSync('b1.dat', path.join(src, 'a', 'b', 'link')), {}, undefined],
    ['a file where the destination has a directory', () => { fs.rmSync(path.join(dst, 'a', 'b', 'b1.dat')); fs.mkdirSync(path.join(dst, 'a', 'b', 'b1.dat')); }, {}, undefined],
  ] as Array<[string, () => void, Partial<FixOptions>, number | undefined]>) {
    it(`leaves ${what} to the main thread, with the whole directory untouched`, () => {
      change();
      fs.writeFileSync(path.join(src, 'a', 'b', 'b2.dat'), 'changed too, another size');
      const before = hashTree(path.join(dst, 'a', 'b'));
      const r = walkClean(task(keep === undefined ? {} : { keep }, fix), copyBatch);
      expect(rels(r, 'dirty')).to.deep.equal(['a/b']);
      expect(rels(r, 'fixed')).to.deep.equal([]);
      expect(hashTree(path.join(dst, 'a', 'b')), 'nothing written in it').to.equal(before);
    });
  }

  function work(rel: string, over: Partial<FixWork> = {}): FixWork {
    const meta = (p: string) => { const st = fs.lstatSync(p, { bigint: true }); return { mode: st.mode, uid: st.uid, gid: st.gid, atimeNs: st.atimeNs, mtimeNs: st.mtimeNs }; };
    const s = path.join(src, rel);
    const d = path.join(dst, rel);
    return { rel, src: refOf(s, fs.lstatSync(s)), dst: refOf(d, fs.lstatSync(d)), srcMeta: meta(s), srcXattrs: [], seen: meta(d), copy: [], dests: '', extras: [], made: 0, ...over };
  }
  const base = (flags = new Int32Array(new SharedArrayBuffer(8)), keep: number = KEEP.modes) => ({ mode: dirMode, flags, streamThresholdBytes: 8 << 20, mtimeWindowMs: 0, keep, umask: 0o022, tagPrefix: 'abcdef' });

  it('a sparse file the batch hands back: the directory goes back with it, its attributes left to the main thread', () => {
    const sparse = path.join(src, 'a', 'b', 'sparse.dat');
    fs.writeFileSync(sparse, '');
    fs.truncateSync(sparse, 1024 * 1024);
    const d = fixDirectory(work('a/b', { copy: ['sparse.dat'], dests: 'n' }), fixOptions(), base(undefined, KEEP.modes | KEEP.sparse), 0, copyBatch, true)!;
    expect([...d.result!.outcomes]).to.deep.equal([Outcome.HandBack]);
    expect(d.attrsSet).to.equal(false);
    expect(fs.existsSync(path.join(dst, 'a', 'b', 'sparse.dat'))).to.equal(false);
  });

  it('a suspend before the batch: nothing copied, the files and the attributes left to the main thread', () => {
    fs.writeFileSync(path.join(src, 'a', 'b', 'new.dat'), 'new');
    const flags = new Int32Array(new SharedArrayBuffer(8));
    Atomics.store(flags, FLAG_SUSPENDED, 1);
    const d = fixDirectory(work('a/b', { copy: ['new.dat'], dests: 'n' }), fixOptions(), base(flags), 0, copyBatch, true)!;
    expect([[...d.result!.outcomes], d.attrsSet]).to.deep.equal([[Outcome.NotStarted], false]);
    expect(fs.existsSync(path.join(dst, 'a', 'b', 'new.dat'))).to.equal(false);
  });

  it('an extra that became a directory since the listing goes back to the main thread, its reservation given back', () => {
    makeTree(path.join(dst, 'a', 'b', 'now-a-dir'), { 'inside.dat': 'kept for the main thread' });
    const fix = fixOptions({ deleteLimit: 5 });
    const d = fixDirectory(work('a/b', { extras: ['now-a-dir'] }), fix, base(), 0, copyBatch, true)!;
    expect([d.removed, d.removeLater, d.attrsSet]).to.deep.equal([[], ['now-a-dir'], false]);
    expect(Atomics.load(fix.deletions, DELETES_USED), 'the reservation is given back').to.equal(0);
    expect(fs.readFileSync(path.join(dst, 'a', 'b', 'now-a-dir', 'inside.dat'), 'utf8')).to.equal('kept for the main thread');
  });

  it('a destination directory swapped for a link after its listing: nothing written or removed through it', () => {
    fs.writeFileSync(path.join(src, 'a', 'b', 'new.dat'), 'new');
    const w = work('a/b', { copy: ['new.dat'], dests: 'n', extras: ['victim.txt'] });
    fs.renameSync(path.join(dst, 'a', 'b'), path.join(dst, 'a', 'b-moved'));
    fs.symlinkSync(path.join(dir, 'beside'), path.join(dst, 'a', 'b'));
    const beside = hashTree(path.join(dir, 'beside'));
    expect(fixDirectory(w, fixOptions(), base(), 0, copyBatch, true)).to.equal(undefined);
    expect(hashTree(path.join(dir, 'beside'))).to.equal(beside);
  });
});
