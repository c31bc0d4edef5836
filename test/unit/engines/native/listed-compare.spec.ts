import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { F, LIST_FIELDS } from '../../../../src/fs/list-stat';
import { KEEP } from '../../../../src/engines/native/keep-flags';
import { upToDateAsListed as decide } from '../../../../src/engines/native/listed-compare';
import type { SizeAgeFilter } from '../../../../src/api/selection';

/** What a listing holds of one entry; undefined: its lstat failed (ENOENT). */
interface ListedStat { mode: number; nlink: number; uid: number; gid: number; size: number; mtimeMs: number; ctimeMs: number }

/** A listing's numbers (list-stat.ts layout) with one entry, at index 1 (index 0 is another file). */
function listing(st: ListedStat | undefined): Float64Array {
  const a = new Float64Array(2 * LIST_FIELDS);
  const o = LIST_FIELDS;
  a[F.mode] = fs.constants.S_IFREG | 0o600;
  if (!st) { a[o + F.errno] = os.constants.errno.ENOENT; return a; }
  Object.entries(st).forEach(([k, v]) => { a[o + F[k as keyof typeof F]] = v; });
  return a;
}

function upToDateAsListed(keep: number, sizeAge: SizeAgeFilter | undefined, windowMs: number, src: ListedStat | undefined, dst: ListedStat | undefined): number | undefined {
  return decide(keep, sizeAge, windowMs, listing(src), 1, listing(dst), 1);
}

const FILE = fs.constants.S_IFREG | 0o644;
const base: ListedStat = { mode: FILE, nlink: 1, uid: 1000, gid: 1000, size: 10, mtimeMs: 1_700_000_000_123.4567, ctimeMs: 1_700_000_000_500 };
const all = KEEP.modes | KEEP.owners | KEEP.hardLinks | KEEP.xattrs;

/** The listing's decision must be the copy batch's (copy-worker.ts copyFile): up to date, or "let the batch look". */
describe('native: up to date as both listings show it', () => {
  it('same size and mtime (less than 1 ms apart), same owner and mode: up to date, with its size', () => {
    expect(upToDateAsListed(all, undefined, 0, base, { ...base, mtimeMs: base.mtimeMs + 0.0009, ctimeMs: base.ctimeMs + 5 })).to.equal(10);
  });

  it('a failed lstat on either side, or anything but a regular file on either side: the batch decides', () => {
    expect(upToDateAsListed(all, undefined, 0, undefined, base)).to.equal(undefined);
    expect(upToDateAsListed(all, undefined, 0, base, undefined)).to.equal(undefined);
    expect(upToDateAsListed(all, undefined, 0, { ...base, mode: fs.constants.S_IFLNK | 0o777 }, base)).to.equal(undefined);
    expect(upToDateAsListed(all, undefined, 0, base, { ...base, mode: fs.constants.S_IFDIR | 0o755 })).to.equal(undefined);
  });

  it('another size, or an mtime 1 ms or more apart (outside the window): copied', () => {
    expect(upToDateAsListed(all, undefined, 0, base, { ...base, size: 11 })).to.equal(undefined);
    expect(upToDateAsListed(all, undefined, 0, base, { ...base, mtimeMs: base.mtimeMs + 1 })).to.equal(undefined);
    expect(upToDateAsListed(all, undefined, 2000, base, { ...base, mtimeMs: base.mtimeMs + 2000 })).to.equal(10);
    expect(upToDateAsListed(all, undefined, 2000, base, { ...base, mtimeMs: base.mtimeMs - 2000.5 })).to.equal(undefined);
  });

  it('a hard-linked file where hard links are kept, and one the size or age filters leave out: the batch decides', () => {
    expect(upToDateAsListed(all, undefined, 0, { ...base, nlink: 2 }, base)).to.equal(undefined);
    expect(upToDateAsListed(all & ~KEEP.hardLinks, undefined, 0, { ...base, nlink: 2 }, base)).to.equal(10);
    expect(upToDateAsListed(all, { maxSize: 5 }, 0, base, base)).to.equal(undefined);
    expect(upToDateAsListed(all, { modifiedFromMs: base.mtimeMs + 1 }, 0, base, base)).to.equal(undefined);
  });

  it('a mode, owner or (where kept) newer source metadata to fix: the batch hands it back to be fixed', () => {
    expect(upToDateAsListed(all, undefined, 0, base, { ...base, mode: fs.constants.S_IFREG | 0o600 })).to.equal(undefined);
    expect(upToDateAsListed(all & ~KEEP.modes, undefined, 0, base, { ...base, mode: fs.constants.S_IFREG | 0o600 })).to.equal(10);
    expect(upToDateAsListed(all, undefined, 0, base, { ...base, gid: 0 })).to.equal(undefined);
    expect(upToDateAsListed(all & ~KEEP.owners, undefined, 0, base, { ...base, uid: 0 })).to.equal(10);
    expect(upToDateAsListed(all, undefined, 0, { ...base, ctimeMs: base.ctimeMs + 1 }, base)).to.equal(undefined);
    expect(upToDateAsListed(KEEP.modes, undefined, 0, { ...base, ctimeMs: base.ctimeMs + 1 }, base)).to.equal(10);
  });
});
