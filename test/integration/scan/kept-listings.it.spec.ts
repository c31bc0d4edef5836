import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DirTree } from '../../../src/api';
import { KEEP } from '../../../src/engines/native/keep-flags';
import { listDirectory, type ListResult } from '../../../src/engines/native/list-dir';
import { HOST_DIR_MODE, refOf, type DirMode } from '../../../src/fs/dir-ref';
import { KEPT_MIN_AGE_MS, newArena } from '../../../src/fs/kept-listings';
import { nodeScanIo, type ScanIo } from '../../../src/scan/scan-io';
import { walkDirs } from '../../../src/scan/walk-dirs';
import { listStat } from '../../../src/fs/list-stat';
import { lookupPath } from '../../../src/fs/unchanged-table';
import { createScanner, type WorkerScanner } from '../../../src/scan';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';

/**
 * The scan keeps the source listings of directories it did not find up to date in the copy
 * (ScanOptions.keepListings, src/fs/kept-listings.ts), and the copy pass takes them instead of
 * listing those directories again, only while each is as the scan left it. Real worker threads,
 * real directories; the copy side through list-dir.ts as a copy thread calls it.
 */
describe('kept listings: the scan keeps changed directories\' listings, the copy pass takes them while valid', function () {
  this.timeout(60_000);
  let root: string;
  let src: string;
  let dst: string;
  let scanner: WorkerScanner;
  before(() => { scanner = createScanner({ threads: 2, budget: 5 }); });
  after(async () => { await scanner.close(); });
  beforeEach(() => {
    root = tempDir('robocurse-keptit-');
    src = path.join(root, 'src');
    dst = path.join(root, 'dst');
  });
  afterEach(() => removeTemp(root));

  function spec(): TreeSpec {
    const t: TreeSpec = {};
    for (let d = 0; d < 4; d++) {
      const sub: TreeSpec = {};
      for (let f = 0; f < 6; f++) sub[`f${f}.txt`] = `d${d} f${f}\n`;
      t[`d${d}`] = { ...sub, inner: { 'x.txt': `inner ${d}` } };
    }
    return t;
  }

  const scan = (): Promise<DirTree> => scanner.scan(src, {
    excludes: { excludeDirs: [], excludeFiles: [], caseInsensitive: false }, digest: { modes: true, owners: true }, compareWith: dst, keepListings: 1 << 20,
  });

  /** Lists `rel` as a copy thread does on a re-run with the scan's digests. */
  function copyListing(tree: DirTree, rel: string, mode: DirMode): Extract<ListResult, { ok: true }> {
    const abs = path.join(src, rel);
    const r = listDirectory({
      src: refOf(abs, fs.lstatSync(abs)), target: { parent: refOf(path.dirname(path.join(dst, rel)), fs.lstatSync(path.dirname(path.join(dst, rel)))), name: path.basename(rel) },
      mode, create: false, replace: false, removeTemps: false, keep: KEEP.modes | KEEP.owners,
    }, { table: tree.digests!, rootRel: rel });
    expect(r.ok, r.ok ? '' : `${r.side}: ${r.code} ${r.message}`).to.equal(true);
    return r as Extract<ListResult, { ok: true }>;
  }

  for (const mode of [...new Set<DirMode>([HOST_DIR_MODE, 'path'])]) it(`keeps only directories not up to date (and old enough), and a copy thread takes them until one changes (${mode} mode)`, async () => {
    makeTree(src, spec());
    execFileSync('cp', ['-a', src, dst]);
    // Changed since the copy: d1's content (its entries as they were), d2 gains a file.
    fs.writeFileSync(path.join(src, 'd1', 'f0.txt'), 'rewritten, longer than before\n');
    fs.writeFileSync(path.join(src, 'd2', 'added.txt'), 'new\n');
    // Only a directory unchanged for KEPT_MIN_AGE_MS before its listing is kept.
    await new Promise((r) => setTimeout(r, KEPT_MIN_AGE_MS + 200));
    fs.writeFileSync(path.join(src, 'd3', 'fresh.txt'), 'changed just before the scan\n');
    const tree = await scan();
    const kept = tree.digests?.listings;
    expect(kept, 'listings kept').to.not.equal(undefined);
    const isKept = (rel: string): boolean => lookupPath(kept!.index, rel) !== undefined;
    expect(isKept('d1'), 'content changed').to.equal(true);
    expect(isKept('d2'), 'entry added before the wait').to.equal(true);
    expect(isKept('d3'), 'entry added just before the scan').to.equal(false);
    expect(isKept('d0'), 'up to date').to.equal(false);
    expect(isKept('d1/inner'), 'up to date').to.equal(false);

    const d1 = copyListing(tree, 'd1', mode);
    expect(d1.fromScanListing, 'd1 from the scan').to.equal(true);
    expect(d1.src.names).to.deep.equal(listStat(path.join(src, 'd1')).names);
    const d2 = copyListing(tree, 'd2', mode);
    expect(d2.fromScanListing).to.equal(true);
    expect(d2.src.names).to.include('added.txt');
    // d2 changes after the scan: the copy thread lists it again and sees the change.
    await new Promise((r) => setTimeout(r, 20));
    fs.rmSync(path.join(src, 'd2', 'f3.txt'));
    fs.writeFileSync(path.join(src, 'd2', 'later.txt'), 'after the scan\n');
    const again = copyListing(tree, 'd2', mode);
    expect(again.fromScanListing, 'listed again').to.equal(undefined);
    expect(again.src.names).to.include('later.txt').and.not.include('f3.txt');
    const d3 = copyListing(tree, 'd3', mode);
    expect(d3.fromScanListing).to.equal(undefined);
    expect(d3.src.names).to.include('fresh.txt');
    // An up-to-date directory is taken from the destination's digest match, not a kept listing.
    const d0 = copyListing(tree, 'd0', mode);
    expect(d0.fromDigest).to.equal(true);
    expect(d0.fromScanListing).to.equal(undefined);
  });

  it('keeps the same directories with the helper\'s own numbers of each listed directory and, as with a helper built before them, with an lstat after the listing', async () => {
    makeTree(src, spec());
    execFileSync('cp', ['-a', src, dst]);
    fs.writeFileSync(path.join(src, 'd1', 'f0.txt'), 'rewritten, longer than before\n');
    fs.writeFileSync(path.join(src, 'd2', 'added.txt'), 'new\n');
    await new Promise((r) => setTimeout(r, 50));
    const keptBy = (io: ScanIo): string[] => walkDirs({
      root: src, dirs: [''], budget: 1000, excludes: { excludeDirs: [], excludeFiles: [], caseInsensitive: false },
      digest: { modes: true, owners: true }, compareWith: dst, keepListings: newArena(1 << 20), keptMinAgeMs: 10,
    }, io).dirs.filter((d) => d.kept !== undefined).map((d) => d.relPath).sort();
    let sawSelf = false;
    const withSelf = keptBy({ ...nodeScanIo, listStat: (p, d) => { const l = listStat(p, d); sawSelf ||= l.self !== undefined; return l; } });
    const withoutSelf = keptBy({ ...nodeScanIo, listStat: (p, d) => { const l = listStat(p, d); delete l.self; return l; } });
    expect(sawSelf, 'the helper gave its own numbers').to.equal(true);
    expect(withSelf).to.include.members(['d1', 'd2']).and.not.include('d0');
    expect(withoutSelf).to.deep.equal(withSelf);
  });

  it('keeps nothing without keepListings, or with the copy up to date', async () => {
    makeTree(src, spec());
    execFileSync('cp', ['-a', src, dst]);
    await new Promise((r) => setTimeout(r, KEPT_MIN_AGE_MS + 200));
    const same = await scan();
    expect(same.compared?.same, 'all the same').to.equal(same.compared?.tried);
    expect(same.digests?.listings).to.equal(undefined);
    fs.writeFileSync(path.join(src, 'd1', 'f0.txt'), 'rewritten, longer than before\n');
    const none = await scanner.scan(src, { excludes: { excludeDirs: [], excludeFiles: [], caseInsensitive: false }, digest: { modes: true, owners: true }, compareWith: dst });
    expect(none.digests?.listings).to.equal(undefined);
  });
});
