import { WorkerPools } from '../../../src/workers';
import { fsThreads } from '../../../src/di/fs-threads';
import { scanPoolKind } from '../../../src/scan/scan-protocol';
import { AbortError } from '../../../src/scan/abort-error';
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DirNode, DirTree, ExcludeRules } from '../../../src/api';
import { createScanner, ScanRootError, type WorkerScanner } from '../../../src/scan';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';

const none: ExcludeRules = { excludeFiles: [], excludeDirs: [], caseInsensitive: false };

/** What find(1) reports for the regular files under root: count and summed apparent size. */
function findTotals(root: string, extra: string[] = []): { files: number; bytes: number } {
  const out = execFileSync('find', [root, ...extra, '-type', 'f', '-printf', '%s\n'], { encoding: 'utf8' });
  const sizes = out.split('\n').filter(Boolean).map(Number);
  return { files: sizes.length, bytes: sizes.reduce((a, b) => a + b, 0) };
}

function find(node: DirNode, relPath: string): DirNode | undefined {
  if (node.relPath === relPath) return node;
  for (const c of node.children) {
    const f = find(c, relPath);
    if (f) return f;
  }
  return undefined;
}

/** A skewed tree: many small dirs, one wide dir, some depth, empty dirs and odd names. */
function skewedSpec(): TreeSpec {
  const wide: TreeSpec = {};
  for (let i = 0; i < 400; i++) wide[`w${i}.bin`] = i % 7;
  const spec: TreeSpec = { wide, 'top.txt': 'hello', '.dot': 3, '[a].txt': 4, empty: {}, 'sp ace': { 'ü.txt': 'x' } };
  for (let d = 0; d < 30; d++) {
    spec[`d${d}`] = { [`f${d}`]: d * 11, sub: { deeper: { [`g${d}`]: 100 + d }, [`h${d}`]: 1 } };
  }
  return spec;
}

describe('WorkerScanner on real trees', function () {
  this.timeout(30_000);
  let scanner: WorkerScanner;
  let root: string;
  before(() => { scanner = createScanner({ budget: 50 }); });
  after(async () => { await scanner.close(); });
  beforeEach(() => { root = tempDir(); });
  afterEach(() => removeTemp(root));

  it('reads names that are not UTF-8 through the worker threads: counted like find counts them, named surrogate-escaped', async () => {
    // Latin-1 names at several depths, with budget 50 so they cross between tasks and threads.
    const spec = skewedSpec();
    spec['caf\udce9'] = { 'f\udcff': 7, 'sub\udcfc': { 'x': 5, deeper: { 'y\udce4': 3 } } };
    spec['\udcff'] = 11;
    makeTree(root, spec);
    const tree = await scanner.scan(root, { excludes: none });
    expect(tree.errors).to.deep.equal([]);
    expect([tree.rootNode.totalFiles, tree.rootNode.totalBytes]).to.deep.equal([findTotals(root).files, findTotals(root).bytes]);
    const cafe = find(tree.rootNode, 'caf\udce9')!;
    expect([cafe.name, cafe.ownFiles, cafe.totalFiles, cafe.totalBytes]).to.deep.equal(['caf\udce9', 1, 3, 15]);
    expect(find(tree.rootNode, 'caf\udce9/sub\udcfc/deeper')!.ownBytes).to.equal(3);
  });

  it('counts the same files and bytes as find, with consistent subtree totals', async () => {
    makeTree(root, skewedSpec());
    const tree = await scanner.scan(root, { excludes: none });
    const want = findTotals(root);
    expect(tree.root).to.equal(root);
    expect(tree.rootNode.totalFiles).to.equal(want.files);
    expect(tree.rootNode.totalBytes).to.equal(want.bytes);
    expect(tree.rootNode.totalDirs).to.equal(Number(execFileSync('find', [root, '-type', 'd']).toString().trim().split('\n').length));
    expect(tree.errors).to.deep.equal([]);
    const wide = find(tree.rootNode, 'wide')!;
    expect([wide.ownFiles, wide.depth, wide.name]).to.deep.equal([400, 1, 'wide']);
    const sub = find(tree.rootNode, 'd3/sub')!;
    expect([sub.ownFiles, sub.ownBytes, sub.totalFiles, sub.totalBytes, sub.totalDirs]).to.deep.equal([1, 1, 2, 104, 2]);
    expect(tree.rootNode.children.map((c) => c.name)).to.deep.equal([...tree.rootNode.children.map((c) => c.name)].sort());
  });

  it('scanning twice gives the same tree (parallel order does not leak into the result)', async () => {
    makeTree(root, skewedSpec());
    const a = await scanner.scan(root, { excludes: none });
    const b = await scanner.scan(root, { excludes: none });
    expect(b.rootNode).to.deep.equal(a.rootNode);
  });

  it('leaves excluded files and directories out of the estimates, as find with the same rules', async () => {
    makeTree(root, skewedSpec());
    const excludes: ExcludeRules = { excludeFiles: ['*.bin', '[a].txt'], excludeDirs: ['sub', 'd1'], caseInsensitive: false };
    const tree = await scanner.scan(root, { excludes });
    const want = findTotals(root, ['(', '-type', 'd', '(', '-name', 'sub', '-o', '-path', `${root}/d1`, ')', '-prune', ')', '-o',
      '-not', '-name', '*.bin', '-not', '-name', '[[]a].txt']);
    expect(tree.rootNode.totalFiles).to.equal(want.files);
    expect(tree.rootNode.totalBytes).to.equal(want.bytes);
    expect(find(tree.rootNode, 'd2/sub')).to.equal(undefined);
    expect(find(tree.rootNode, 'd1')).to.equal(undefined);
    expect(find(tree.rootNode, 'wide')!.ownFiles).to.equal(0);
  });

  it('applies absolute exclude-dir paths under the scanned root', async () => {
    makeTree(root, skewedSpec());
    const tree = await scanner.scan(root, { excludes: { ...none, excludeDirs: [path.join(root, 'wide')] } });
    expect(find(tree.rootNode, 'wide')).to.equal(undefined);
  });

  it('reports symlinks without following them', async () => {
    makeTree(root, { real: { f: 100 }, 'file.txt': 7, ldir: { symlink: 'real' }, lfile: { symlink: 'file.txt' }, lbroken: { symlink: 'nowhere' }, loop: { symlink: '.' } });
    const tree = await scanner.scan(root, { excludes: none });
    expect(tree.skippedLinks).to.deep.equal([
      { relPath: 'lbroken', target: 'unknown' }, { relPath: 'ldir', target: 'dir' },
      { relPath: 'lfile', target: 'file' }, { relPath: 'loop', target: 'dir' },
    ]);
    expect(tree.rootNode.totalFiles).to.equal(2);
    expect(tree.rootNode.totalBytes).to.equal(107);
    expect(tree.rootNode.children.map((c) => c.name)).to.deep.equal(['real']);
  });

  it('reports a mode-000 directory as an EACCES scan error and scans the rest (as an unprivileged uid)', () => {
    makeTree(root, { open: { a: 1 }, locked: { secret: 50, inner: { s: 5 } }, top: 2 });
    fs.chmodSync(root, 0o755);
    fs.chmodSync(path.join(root, 'locked'), 0o000);
    try {
      // Root ignores mode 000, so the scan runs as nobody (65534) when the tests run as root.
      const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const script = path.join(__dirname, 'fixtures', 'scan-to-json.js');
      const tree = JSON.parse(execFileSync(process.execPath, [script, root], { ...asNobody, encoding: 'utf8' })) as DirTree;
      expect(tree.errors.map((e) => [e.relPath, e.code])).to.deep.equal([['locked', 'EACCES']]);
      expect(tree.errors[0].message).to.match(/permission denied/i);
      expect(tree.rootNode.totalFiles).to.equal(2);
      const locked = find(tree.rootNode, 'locked')!;
      expect([locked.ownFiles, locked.totalFiles, locked.children.length]).to.deep.equal([0, 0, 0]);
    } finally {
      fs.chmodSync(path.join(root, 'locked'), 0o755);
    }
  });

  it('rejects when the root cannot be listed as a directory', async () => {
    makeTree(root, { file: 'x' });
    for (const [p, code] of [[path.join(root, 'missing'), 'ENOENT'], [path.join(root, 'file'), 'ENOTDIR']] as const) {
      const err = await scanner.scan(p, { excludes: none }).then(() => null, (e: unknown) => e);
      expect(err, p).to.be.instanceOf(ScanRootError);
      expect((err as ScanRootError).fsCode).to.equal(code);
      expect((err as ScanRootError).code).to.equal('SCAN_ROOT_UNREADABLE');
    }
  });

  it('rejects an unreadable root (as an unprivileged uid)', () => {
    makeTree(root, { locked: { a: 1 } });
    fs.chmodSync(root, 0o755);
    fs.chmodSync(path.join(root, 'locked'), 0o000);
    try {
      const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const out = JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'fixtures', 'scan-to-json.js'), path.join(root, 'locked')], { ...asNobody, encoding: 'utf8' }));
      expect(out.rejected).to.include({ name: 'ScanRootError', code: 'SCAN_ROOT_UNREADABLE', fsCode: 'EACCES' });
    } finally {
      fs.chmodSync(path.join(root, 'locked'), 0o755);
    }
  });

  it('rejects with an AbortError when aborted, and the scanner keeps working afterwards', async () => {
    makeTree(root, skewedSpec());
    const ac = new AbortController();
    const p = scanner.scan(root, { excludes: none, signal: ac.signal });
    ac.abort();
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
    expect((err as Error).name).to.equal('AbortError');
    const again = await scanner.scan(root, { excludes: none });
    expect(again.rootNode.totalFiles).to.equal(findTotals(root).files);
  });

  it('rejects at once for an already aborted signal', async () => {
    const err = await scanner.scan(root, { excludes: none, signal: AbortSignal.abort() }).then(() => null, (e: unknown) => e);
    expect((err as Error).name).to.equal('AbortError');
  });

  it('works after warmUp and after close (a new pool is made)', async () => {
    makeTree(root, { a: { b: 3 }, c: 4 });
    const s = createScanner({ threads: 1 });
    try {
      s.warmUp();
      expect((await s.scan(root, { excludes: none })).rootNode.totalBytes).to.equal(7);
      await s.close();
      await s.close();
      expect((await s.scan(root, { excludes: none })).rootNode.totalFiles).to.equal(2);
    } finally {
      await s.close();
    }
  });

  it('scans a tree that fits its first task without starting a worker thread, and a larger one with them, to the same totals', async () => {
    // Each with pools of its own, which say which kinds of worker have threads.
    const smallPools = new WorkerPools();
    const largePools = new WorkerPools();
    const small = createScanner({ threads: 2, pools: smallPools });
    const large = createScanner({ threads: 2, pools: largePools });
    try {
      makeTree(root, { a: { b: 3 }, c: 4 });
      expect((await small.scan(root, { excludes: none })).rootNode.totalBytes).to.equal(7);
      expect(smallPools.startedKinds(), 'no thread for a tree of three entries').to.deep.equal([]);
      // 300 directories of one file: more than the first task's 256 entries.
      const spec: Record<string, Record<string, number>> = {};
      for (let i = 0; i < 300; i++) spec[`d${i}`] = { f: i + 1 };
      makeTree(path.join(root, 'many'), spec);
      const tree = await large.scan(root, { excludes: none });
      expect(largePools.startedKinds(), 'the rest went to the threads').to.deep.equal(['scan']);
      expect(tree.rootNode.totalFiles).to.equal(302);
      expect(tree.rootNode.totalBytes).to.equal(7 + (300 * 301) / 2);
    } finally {
      await small.close();
      await large.close();
    }
  });

  it('lets its threads go half a second after the last scan (a copy does not carry their memory), and boots new ones for the next', async () => {
    const pools = new WorkerPools();
    const own = createScanner({ budget: 50, pools });
    try {
      makeTree(root, skewedSpec());
      const first = await own.scan(root, { excludes: none });
      expect(pools.startedKinds(), 'the tree is large enough for the threads').to.deep.equal(['scan']);
      // Back to back: the second scan keeps the threads of the first.
      await own.scan(root, { excludes: none });
      expect(pools.startedKinds()).to.deep.equal(['scan']);
      await new Promise((r) => setTimeout(r, 900));
      expect(pools.startedKinds(), 'no thread left idle after the scans').to.deep.equal([]);
      const again = await own.scan(root, { excludes: none });
      expect(again.rootNode.totalFiles).to.equal(first.rootNode.totalFiles);
    } finally {
      await own.close();
      await pools.closeAll();
    }
  });

  it('on the run\'s threads, shared with the copy (di/fs-threads.ts): they stay after a scan, and an abort terminates none (a copy may be running on it); on its own threads an abort does', async () => {
    const spec: Record<string, Record<string, number>> = {};
    for (let i = 0; i < 400; i++) spec[`d${i}`] = Object.fromEntries(Array.from({ length: 20 }, (_, f) => [`f${f}`, 1]));
    makeTree(root, spec);
    const abortMidScan = async (pools: WorkerPools): Promise<{ before: number[]; after: number[]; started: boolean; shared: boolean }> => {
      const s = createScanner({ threads: 2, budget: 20, pools });
      const pool = pools.pool(scanPoolKind(2));
      try {
        expect((await s.scan(root, { excludes: none })).rootNode.totalFiles).to.equal(8000);
        const before = pool.threadIds;
        const ac = new AbortController();
        // The first task runs on this thread inside scan(): when it returns, tasks are on the threads.
        const scan = s.scan(root, { excludes: none, signal: ac.signal });
        ac.abort();
        expect(await scan.then(() => null, (e: unknown) => e)).to.be.instanceOf(AbortError);
        await new Promise((r) => setTimeout(r, 300));
        const after = pool.threadIds;
        expect((await s.scan(root, { excludes: none })).rootNode.totalFiles, 'usable after the abort').to.equal(8000);
        return { before, after, started: pool.started, shared: pool.shared };
      } finally {
        await pools.closeAll();
      }
    };
    const shared = await abortMidScan(new WorkerPools(fsThreads(2)));
    expect(shared.shared).to.equal(true);
    expect(shared.before).to.have.length(2);
    expect(shared.after, 'no shared thread terminated').to.deep.equal(shared.before);
    expect(shared.started, 'the threads stay for the copy').to.equal(true);
    const own = await abortMidScan(new WorkerPools());
    expect(own.shared).to.equal(false);
    expect(own.after, 'the abort terminated the tasks\' own threads').to.not.deep.equal(own.before);
  });

  it('on the run\'s threads, one fewer than they may be while the main thread walks too: a re-run whose copy is up to date never boots the last; a copy that differs, nothing to compare with, or a main thread too slow to walk, does', async () => {
    const spec: Record<string, Record<string, number>> = {};
    for (let i = 0; i < 200; i++) spec[`d${i}`] = Object.fromEntries(Array.from({ length: 10 }, (_, f) => [`f${f}`, f + 1]));
    makeTree(path.join(root, 'src'), spec);
    execFileSync('cp', ['-a', path.join(root, 'src'), path.join(root, 'copy')]);
    const rescan = async (compare: boolean, mainStepLimitMs?: number, copy = path.join(root, 'copy')): Promise<{ files: number; threads: number; width: number }> => {
      const pools = new WorkerPools(fsThreads(2));
      const s = createScanner({ budget: 50, pools, ...(mainStepLimitMs === undefined ? {} : { mainStepLimitMs }) });
      try {
        const tree = await s.scan(path.join(root, 'src'), {
          excludes: none, ...(compare ? { digest: { modes: true, owners: true }, compareWith: copy } : {}),
        });
        const pool = pools.pool(scanPoolKind(2));
        return { files: tree.rootNode.totalFiles, threads: pool.threadCount, width: pool.width };
      } finally {
        await pools.closeAll();
      }
    };
    // A tree the main thread's first task covers boots no thread, even when a copy follows.
    const pools = new WorkerPools(fsThreads(2));
    const small = await createScanner({ pools }).scan(path.join(root, 'src', 'd7'), { excludes: none });
    expect(small.rootNode.totalFiles).to.equal(10);
    expect(pools.startedKinds(), 'no thread for ten files').to.deep.equal([]);
    expect(await rescan(true), 'copy up to date').to.deep.equal({ files: 2000, threads: 1, width: 1 });
    // A main-thread step slower than the limit (a network share): the main thread stops walking, the last thread boots.
    expect(await rescan(true, 0), 'main thread too slow').to.deep.equal({ files: 2000, threads: 2, width: 2 });
    expect(await rescan(false), 'nothing compared: all of it is copied next').to.deep.equal({ files: 2000, threads: 2, width: 2 });
    expect(await rescan(true, undefined, path.join(root, 'no-copy-yet')), 'a first run: no copy to compare with').to.deep.equal({ files: 2000, threads: 2, width: 2 });
    fs.writeFileSync(path.join(root, 'src', 'd150', 'f3'), 'changed since the copy');
    expect(await rescan(true), 'one directory differs').to.deep.equal({ files: 2000, threads: 2, width: 2 });
  });

  it('runs concurrent scans of different roots independently', async () => {
    const other = tempDir();
    try {
      makeTree(root, skewedSpec());
      makeTree(other, { x: { y: 5 }, z: 6 });
      const [a, b] = await Promise.all([scanner.scan(root, { excludes: none }), scanner.scan(other, { excludes: none })]);
      expect(a.rootNode.totalFiles).to.equal(findTotals(root).files);
      expect([b.rootNode.totalFiles, b.rootNode.totalBytes]).to.deep.equal([2, 11]);
    } finally {
      removeTemp(other);
    }
  });
});
