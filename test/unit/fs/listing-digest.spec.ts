import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DigestFields } from '../../../src/api';
import { decodeName, encodeName } from '../../../src/fs/byte-names';
import { buildDigestTable, lookupDigest } from '../../../src/fs/digest-table';
import { fsx } from '../../../src/fs/fsx';
import { listStat } from '../../../src/fs/list-stat';
import { digestRecordOf, listingDigest } from '../../../src/fs/listing-digest';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { needsRootReason } from '../../helpers/other-user';

/**
 * The listing digest (issue #17, walk-once): a destination directory whose digest equals the
 * scan's digest of its source is taken as up to date without listing the source again. So equal
 * digests must mean equal as the up-to-date check sees it, and every difference that check sees
 * must change the digest. Real directories, the helper's own listings.
 */

const ALL: DigestFields = { modes: true, owners: true };

function hex(dir: string, rel = 'a/b', fields = ALL, side: 'src' | 'dst' = 'src'): string | undefined {
  const d = listingDigest(listStat(dir, { rel, fields }), side);
  return d ? Buffer.from(d.digest).toString('hex') : undefined;
}

describe('listing digest (helper: listStat with a digest)', () => {
  let dir: string;
  let a: string;
  let b: string;
  beforeEach(function () {
    if (!fsx?.listStat) this.skip(); // no helper, no digests: it is built at install and in CI, and its own test fails without it
    dir = tempDir('robocurse-digest-');
    a = path.join(dir, 'a');
    b = path.join(dir, 'b');
    for (const d of [a, b]) makeTree(d, { 'one.txt': 'one', 'two.bin': 'two!', sub: { 'x.txt': 'x' }, empty: {} });
    const t = new Date('2024-05-06T07:08:09.123Z');
    for (const d of [a, b]) for (const n of ['one.txt', 'two.bin']) fs.utimesSync(path.join(d, n), t, t);
  });
  afterEach(() => removeTemp(dir));

  it('is equal for two directories the up-to-date check finds equal, and covers the path in the tree', () => {
    expect(hex(a)).to.be.a('string').and.equal(hex(b));
    expect(hex(a, 'a/c')).to.not.equal(hex(b, 'a/b'));
    expect(hex(a, '')).to.not.equal(hex(a, 'a/b'));
  });

  it('changes with a name, a size, a whole-millisecond mtime, a type, an added or a removed entry', () => {
    const base = hex(a);
    const changes: Record<string, (d: string) => void> = {
      'a renamed file': (d) => fs.renameSync(path.join(d, 'one.txt'), path.join(d, 'One.txt')),
      'a size': (d) => fs.truncateSync(path.join(d, 'two.bin'), 3),
      'an mtime 1 ms later': (d) => { const t = new Date('2024-05-06T07:08:09.124Z'); fs.utimesSync(path.join(d, 'one.txt'), t, t); },
      'an extra file': (d) => fs.writeFileSync(path.join(d, 'extra'), ''),
      'a missing subdirectory': (d) => fs.rmdirSync(path.join(d, 'empty')),
      'a file where a directory was': (d) => { fs.rmdirSync(path.join(d, 'empty')); fs.writeFileSync(path.join(d, 'empty'), ''); },
    };
    for (const [what, change] of Object.entries(changes)) {
      const c = path.join(dir, 'c');
      fs.cpSync(b, c, { recursive: true, preserveTimestamps: true });
      expect(hex(c), `${what}: the copy before the change`).to.equal(base);
      change(c);
      expect(hex(c), what).to.not.equal(base);
      fs.rmSync(c, { recursive: true });
    }
  });

  it('is the same within one millisecond (the up-to-date check\'s own "less than 1 ms apart")', () => {
    // 09.1231 and 09.1234 s: the same whole millisecond. (Times that straddle a millisecond,
    // 09.1229 and 09.1231, digest apart: the walk then lists the source and compares as before.)
    const s = new Date('2024-05-06T07:08:09Z').getTime() / 1000;
    fs.utimesSync(path.join(a, 'one.txt'), s + 0.1231, s + 0.1231);
    fs.utimesSync(path.join(b, 'one.txt'), s + 0.1234, s + 0.1234);
    expect(hex(b)).to.equal(hex(a));
  });

  it('covers the permission bits only with `modes`, and the contents of subdirectories never', () => {
    fs.chmodSync(path.join(b, 'one.txt'), 0o600);
    fs.writeFileSync(path.join(b, 'sub', 'x.txt'), 'changed below: that directory has its own digest');
    expect(hex(b)).to.not.equal(hex(a));
    expect(hex(b, 'a/b', { modes: false, owners: true })).to.equal(hex(a, 'a/b', { modes: false, owners: true }));
  });

  it('covers the owner only with `owners`', function () {
    const why = needsRootReason();
    if (why) this.skip(); // giving a file to another owner needs root (CI runs as root)
    fs.chownSync(path.join(b, 'one.txt'), 65534, 65534);
    expect(hex(b)).to.not.equal(hex(a));
    expect(hex(b, 'a/b', { modes: true, owners: false })).to.equal(hex(a, 'a/b', { modes: true, owners: false }));
  });

  it('keeps names that are not UTF-8 apart (two names that would both decode to U+FFFD), in names and in the path', () => {
    const n1 = decodeName(Buffer.from([0x66, 0xff]));
    const n2 = decodeName(Buffer.from([0x66, 0xfe]));
    fs.writeFileSync(encodeName(path.join(a, n1)), '');
    fs.writeFileSync(encodeName(path.join(b, n2)), '');
    expect(hex(a)).to.not.equal(hex(b));
    expect(hex(a, n1)).to.not.equal(hex(a, n2));
  });

  it('has none for a listing with a link, or (source side) a file with other names; a destination hard link is compared as a file', () => {
    fs.symlinkSync('one.txt', path.join(a, 'link'));
    expect(hex(a)).to.equal(undefined);
    fs.linkSync(path.join(b, 'one.txt'), path.join(b, 'again.txt'));
    expect(hex(b, 'a/b', ALL, 'src')).to.equal(undefined);
    expect(hex(b, 'a/b', ALL, 'dst')).to.be.a('string');
    expect(digestRecordOf(listStat(b, { rel: 'a/b', fields: ALL }))).to.equal(undefined);
  });

  it('gives the newest file ctime on the source side and the oldest on the destination side', () => {
    const l = listStat(a, { rel: 'a/b', fields: ALL });
    const ctimes = ['one.txt', 'two.bin'].map((n) => fs.lstatSync(path.join(a, n)).ctimeMs);
    expect(listingDigest(l, 'src')!.ctimeMs).to.be.closeTo(Math.max(...ctimes), 0.001);
    expect(listingDigest(l, 'dst')!.ctimeMs).to.be.closeTo(Math.min(...ctimes), 0.001);
  });

  it('is not made without being asked for', () => {
    expect(listStat(a).digest).to.equal(undefined);
  });
});

describe('digest table', () => {
  it('finds every record it was built from, in any order and from parts of any size, and nothing else', () => {
    const records: Buffer[] = [];
    for (let i = 0; i < 500; i++) {
      const r = Buffer.alloc(24);
      // Digests that share long prefixes and differ in the last word, and ones that differ in the first.
      r.writeUInt32LE(i % 7, 0);
      r.writeUInt32LE(0xffffffff - (i % 3), 4);
      r.writeUInt32LE(i, 12);
      r.writeDoubleLE(i * 1.5, 16);
      records.push(r);
    }
    const shuffled = records.map((r, i) => [r, (i * 7919) % 500] as const).sort((x, y) => x[1] - y[1]).map(([r]) => r);
    const parts = [Buffer.concat(shuffled.slice(0, 1)), Buffer.concat(shuffled.slice(1, 300)), Buffer.concat(shuffled.slice(300))];
    const t = buildDigestTable(parts, ALL, 1234);
    expect(t.count).to.equal(500);
    expect(t.takenAt).to.equal(1234);
    for (let i = 0; i < 500; i++) expect(lookupDigest(t, records[i].subarray(0, 16))).to.equal(i * 1.5);
    const other = Buffer.from(records[42].subarray(0, 16));
    other[15] ^= 1;
    expect(lookupDigest(t, other)).to.equal(undefined);
    expect(lookupDigest(buildDigestTable([], ALL, 0), other)).to.equal(undefined);
  });
});
