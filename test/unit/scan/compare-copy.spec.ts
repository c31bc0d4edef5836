import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DigestFields } from '../../../src/api';
import { decodeName } from '../../../src/fs/byte-names';
import { fsx } from '../../../src/fs/fsx';
import { listStat, type StatListing } from '../../../src/fs/list-stat';
import { CopyComparer, MIN_TRIED, worthComparing } from '../../../src/scan/compare-copy';
import { TreeBuilder } from '../../../src/scan/tree-builder';
import { buildUnchangedTable, lookupUnchanged, withUnchangedTable } from '../../../src/fs/unchanged-table';
import { MessageChannel } from 'node:worker_threads';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

/**
 * The scan's comparison of a source directory with its copy (issue #17): a match lets the
 * native engine book a chunk without listing it, so every difference a copy pass would put
 * right must be a mismatch here. Real directories, the helper's own listings.
 */

const ALL: DigestFields = { modes: true, owners: true };

// Each case twice: with the helper's own numbers of each listed directory (list-stat.ts `self`),
// and as with a helper built before them (each directory's lstat and attributes by path).
for (const viaSelf of [true, false]) describe(`CopyComparer (a source directory against its copy)${viaSelf ? '' : ', without the directories\' own numbers'}`, () => {
  let dir: string;
  let src: string;
  let dst: string;
  const listing = (rel: string, fields: DigestFields): StatListing => {
    const l = listStat(path.join(src, rel), { rel, fields });
    if (!viaSelf) delete l.self;
    else expect(l.self, 'the helper gives the directory\'s own numbers').to.be.instanceOf(Float64Array);
    return l;
  };
  const same = (rel = 'a', fields = ALL, comparer = new CopyComparer(dst, fields)): boolean =>
    comparer.sameAs(rel, path.join(src, rel), listing(rel, fields));

  beforeEach(function () {
    if (!fsx?.listStat) this.skip(); // no helper, no digests and nothing compared: it is built at install and in CI
    dir = tempDir('robocurse-cmp-');
    src = path.join(dir, 'src');
    dst = path.join(dir, 'dst');
    makeTree(src, { a: { 'one.txt': 'one', 'two.bin': 'two!', sub: { 'x.txt': 'x' } } });
    // The copy as a copy pass leaves it: same modes, times to the nanosecond, made after the source.
    execFileSync('cp', ['-a', src, dst]);
  });
  afterEach(() => removeTemp(dir));

  it('a faithful copy is the same, and is counted', () => {
    const c = new CopyComparer(dst, ALL);
    expect(same('a', ALL, c)).to.equal(true);
    expect(same('a/sub', ALL, c)).to.equal(true);
    expect([c.tried, c.same]).to.deep.equal([2, 2]);
  });

  it('a directory whose name is not UTF-8 (and its copy) is compared by its bytes', () => {
    const name = Buffer.from([0x64, 0xff, 0x31]);
    fs.mkdirSync(Buffer.concat([Buffer.from(`${src}/a/`), name]));
    fs.writeFileSync(Buffer.concat([Buffer.from(`${src}/a/`), name, Buffer.from('/f.txt')]), 'f');
    fs.rmSync(dst, { recursive: true });
    execFileSync('cp', ['-a', src, dst]);
    const rel = `a/${decodeName(name)}`;
    const c = new CopyComparer(dst, ALL);
    expect(same('a', ALL, c)).to.equal(true);
    expect(same(rel, ALL, c), 'reached from its parent').to.equal(true);
    expect(same(rel), 'by its real path').to.equal(true);
    fs.writeFileSync(Buffer.concat([Buffer.from(`${dst}/a/`), name, Buffer.from('/f.txt')]), 'changed');
    expect(same(rel)).to.equal(false);
  });

  it('any difference in the files is a mismatch: content size, mtime, mode, an extra, a missing file', () => {
    const cases: Array<[string, () => void]> = [
      ['size', () => fs.writeFileSync(path.join(dst, 'a', 'one.txt'), 'one!')],
      ['mtime', () => fs.utimesSync(path.join(dst, 'a', 'two.bin'), new Date(0), new Date(1000))],
      ['mode', () => fs.chmodSync(path.join(dst, 'a', 'one.txt'), 0o600)],
      ['extra', () => fs.writeFileSync(path.join(dst, 'a', 'extra'), '')],
      ['missing', () => fs.rmSync(path.join(dst, 'a', 'two.bin'))],
    ];
    for (const [what, change] of cases) {
      fs.rmSync(dst, { recursive: true });
      execFileSync('cp', ['-a', src, dst]);
      change();
      expect(same(), what).to.equal(false);
    }
  });

  it('the directory\'s own mode and time count; its mode not when modes are not kept', () => {
    fs.chmodSync(path.join(dst, 'a'), 0o700);
    expect(same()).to.equal(false);
    expect(same('a', { modes: false, owners: true })).to.equal(true);
    fs.chmodSync(path.join(dst, 'a'), fs.statSync(path.join(src, 'a')).mode & 0o7777);
    const st = fs.statSync(path.join(dst, 'a'));
    fs.utimesSync(path.join(dst, 'a'), st.atime, new Date(st.mtimeMs - 1));
    expect(same()).to.equal(false);
  });

  it('an attribute on the copy\'s directory the source lacks is a mismatch', function () {
    try { execFileSync('setfattr', ['-n', 'user.stray', '-v', '1', path.join(dst, 'a')], { stdio: 'ignore' }); } catch { this.skip(); } // the temp file system takes no user.* attributes (tmpfs and ext4 here and in CI do)
    expect(same()).to.equal(false);
  });

  it('a source file whose status changed after its copy was made (an attribute set) is a mismatch', () => {
    fs.chmodSync(path.join(src, 'a', 'one.txt'), fs.statSync(path.join(src, 'a', 'one.txt')).mode & 0o7777); // ctime now, mode unchanged
    expect(same()).to.equal(false);
  });

  it('a copy reached through a link (to an identical directory) is never the same', () => {
    fs.renameSync(path.join(dst, 'a'), path.join(dir, 'elsewhere'));
    fs.symlinkSync(path.join(dir, 'elsewhere'), path.join(dst, 'a'));
    const c = new CopyComparer(dst, ALL);
    expect(same('a', ALL, c)).to.equal(false);
    expect(same('a/sub', ALL, c), 'below the link too').to.equal(false);
  });

  it('a subdirectory its parent\'s copy showed is checked by identity: swapped for another directory, it is not the same', () => {
    const c = new CopyComparer(dst, ALL);
    expect(same('a', ALL, c)).to.equal(true);
    // Same content, another inode, after the parent was compared.
    execFileSync('cp', ['-a', path.join(dst, 'a', 'sub'), path.join(dir, 'sub2')]);
    fs.rmSync(path.join(dst, 'a', 'sub'), { recursive: true });
    fs.renameSync(path.join(dir, 'sub2'), path.join(dst, 'a', 'sub'));
    expect(same('a/sub', ALL, c)).to.equal(false);
  });

  it('a subdirectory its parent\'s copy showed, swapped for a link to itself (moved beside it): not the same, though the link leads to that very directory', () => {
    const c = new CopyComparer(dst, ALL);
    expect(same('a', ALL, c)).to.equal(true);
    fs.renameSync(path.join(dst, 'a', 'sub'), path.join(dst, 'a', 'moved'));
    fs.symlinkSync('moved', path.join(dst, 'a', 'sub'));
    expect(same('a/sub', ALL, c)).to.equal(false);
  });

  it('the same attribute on a directory and on its copy: the same (read and compared); another value: not', function () {
    try {
      execFileSync('setfattr', ['-n', 'user.tag', '-v', 'one', path.join(src, 'a')], { stdio: 'ignore' });
      execFileSync('setfattr', ['-n', 'user.tag', '-v', 'one', path.join(dst, 'a')], { stdio: 'ignore' });
    } catch { this.skip(); } // the temp file system takes no user.* attributes (tmpfs and ext4 here and in CI do)
    expect(same()).to.equal(true);
    execFileSync('setfattr', ['-n', 'user.tag', '-v', 'two', path.join(dst, 'a')], { stdio: 'ignore' });
    expect(same()).to.equal(false);
  });

  it('no destination root: nothing is compared', () => {
    const c = new CopyComparer(path.join(dir, 'nowhere'), ALL);
    expect(c.active).to.equal(false);
    expect(same('a', ALL, c)).to.equal(false);
    expect(c.tried).to.equal(0);
  });

  it('comparing stops paying once most directories tried differ', () => {
    expect(worthComparing(MIN_TRIED - 1, 0)).to.equal(true);
    expect(worthComparing(MIN_TRIED, MIN_TRIED / 2)).to.equal(true);
    expect(worthComparing(MIN_TRIED, MIN_TRIED / 2 - 1)).to.equal(false);
    expect(worthComparing(1000, 499)).to.equal(false);
  });
});

describe('TreeBuilder: subtrees whose every directory matched its copy', () => {
  const summary = (relPath: string, sameCopy: boolean, state: 'ok' | 'gone' = 'ok') => ({ relPath, ownFiles: 1, ownBytes: 1, state, ...(sameCopy ? { sameCopy: true as const } : {}) });

  it('a directory is unchanged only with all of its subtree', () => {
    const b = new TreeBuilder();
    for (const [rel, s] of [['', true], ['a', true], ['a/x', true], ['a/y', false], ['b', true], ['b/z', true]] as const) b.add(summary(rel, s));
    b.finish();
    expect([...b.unchanged].sort()).to.deep.equal(['a/x', 'b', 'b/z']);
  });

  it('a subdirectory gone before it was listed leaves its parent changed (its copy still has it)', () => {
    const b = new TreeBuilder();
    b.add(summary('', true));
    b.add(summary('a', true));
    b.add(summary('a/gone', false, 'gone'));
    b.finish();
    expect([...b.unchanged]).to.deep.equal([]);
  });
});

describe('unchanged-table (subtrees a walk passes over, shared with the copy threads)', () => {
  it('finds each subtree by its path with its files and bytes, and nothing else', () => {
    const odd = decodeName(Buffer.from([0x61, 0xff]));
    const t = buildUnchangedTable([['a', 3, 30], ['a/b', 1, 10], [odd, 7, 70], ['', 11, 110]]);
    expect(lookupUnchanged(t, 'a')).to.deep.equal({ files: 3, bytes: 30 });
    expect(lookupUnchanged(t, 'a/b')).to.deep.equal({ files: 1, bytes: 10 });
    expect(lookupUnchanged(t, odd)).to.deep.equal({ files: 7, bytes: 70 });
    expect(lookupUnchanged(t, '')).to.deep.equal({ files: 11, bytes: 110 });
    for (const miss of ['b', 'a/c', 'A', 'a/', decodeName(Buffer.from([0x61, 0xfe]))]) expect(lookupUnchanged(t, miss), miss).to.equal(undefined);
    expect(lookupUnchanged(buildUnchangedTable([]), 'a')).to.equal(undefined);
  });

  it('is made on first read only, and a message to a thread carries it (an unchanged re-run never reads it)', async () => {
    const digests = withUnchangedTable({ count: 0 }, [['a', 3, 30]]);
    expect(typeof Object.getOwnPropertyDescriptor(digests, 'unchanged')!.get, 'not made yet').to.equal('function');
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<typeof digests>((resolve) => port2.once('message', resolve));
    port1.postMessage(digests);
    const copy = await received;
    port1.close();
    expect(lookupUnchanged(copy.unchanged!, 'a')).to.deep.equal({ files: 3, bytes: 30 });
    const own = Object.getOwnPropertyDescriptor(digests, 'unchanged')!;
    expect(own.get, 'made once, then a plain value').to.equal(undefined);
    expect(digests.unchanged).to.equal(own.value);
    expect(withUnchangedTable({ count: 0 }, undefined)).to.not.have.property('unchanged');
  });
});
