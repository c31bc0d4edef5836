import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChunkPolicy } from '../../../src/api';
import { createChunker } from '../../../src/chunk';
import type { ProfileConfig } from '../../../src/config/types';
import { planProfile, renderPlan } from '../../../src/plan';
import { createScanner, type WorkerScanner } from '../../../src/scan';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

function profile(over: Partial<ProfileConfig>): ProfileConfig {
  return {
    name: 'docs', source: '/nonexistent', destination: '/dst', enabled: true, mirror: false,
    chunking: { mode: 'smart', maxChunkBytes: 1000, maxChunkFiles: 100, maxDepth: 0 },
    excludeFiles: [], excludeDirs: [], snapshot: null, engine: 'native', engineOptions: {},
    retry: { maxAttempts: 3, backoffSeconds: 5, maxBackoffSeconds: 60, engineRetries: 3, engineWaitSeconds: 10 },
    bandwidthLimitMbps: 0, windowsPaths: false, ...over,
  };
}

describe('planProfile + renderPlan', function () {
  this.timeout(30_000);
  let scanner: WorkerScanner;
  let root: string;
  before(() => { scanner = createScanner(); });
  after(async () => { await scanner.close(); });
  beforeEach(() => {
    root = tempDir();
    makeTree(path.join(root, 'live'), {
      own: 10, big: { a: 600, b: 600 }, small: { c: 5, skip: { x: 999 } }, cache: { d: 4 },
      'x.tmp': 50, lnk: { symlink: 'big' },
    });
  });
  afterEach(() => removeTemp(root));

  it('scans the profile source and cuts it with the profile policy and excludes', async () => {
    const live = path.join(root, 'live');
    const p = profile({ source: live, excludeFiles: ['*.TMP'], excludeDirs: ['CACHE', path.join(live, 'small', 'skip').toUpperCase()], windowsPaths: false });
    const r = await planProfile(p, { scanner, chunker: createChunker() });
    // windowsPaths=false: case-sensitive, so *.TMP, CACHE and the upper-cased path exclude nothing
    expect(r.tree.rootNode.totalFiles).to.equal(7);
    const ci = await planProfile({ ...p, excludeDirs: ['cache', path.join(live, 'small', 'skip')], excludeFiles: ['*.tmp'] }, { scanner, chunker: createChunker() });
    expect(ci.tree.rootNode.totalFiles).to.equal(4);
    expect(ci.tree.rootNode.totalBytes).to.equal(1215);
    expect(ci.chunks.map((c) => `${c.kind}:${c.relPath}`)).to.deep.equal(['tree:big', 'files-only:', 'tree:small']);
    expect(ci.chunks[0]).to.include({ sourcePath: path.join(live, 'big'), destinationPath: '/dst/big', profile: 'docs' });
    expect(ci.durationMs).to.be.a('number').and.at.least(0);
  });

  it('reads a snapshot path but keeps ids and absolute excludes tied to the live source', async () => {
    const live = path.join(root, 'live');
    const snap = path.join(root, 'snap');
    fs.cpSync(live, snap, { recursive: true, verbatimSymlinks: true });
    const p = profile({ source: live, excludeDirs: [path.join(live, 'cache')] });
    const fromLive = await planProfile(p, { scanner, chunker: createChunker() });
    const fromSnap = await planProfile(p, { scanner, chunker: createChunker() }, { sourceRoot: snap });
    expect(fromSnap.tree.root).to.equal(snap);
    expect(fromSnap.chunks.map((c) => c.id)).to.deep.equal(fromLive.chunks.map((c) => c.id));
    expect(fromSnap.chunks.every((c) => c.sourcePath.startsWith(snap))).to.equal(true);
    expect(fromSnap.tree.rootNode.children.map((c) => c.name)).not.to.include('cache');
    expect(fromSnap.chunks.find((c) => c.relPath === 'big')!.destinationPath).to.equal('/dst/big');
    const win = await planProfile({ ...p, destination: 'E:\\Backup\\', windowsPaths: true }, { scanner, chunker: createChunker() }, { sourceRoot: snap });
    expect(win.chunks.find((c) => c.relPath === 'big')!.destinationPath).to.equal('E:\\Backup\\big');
  });

  it('renders a table with sizes, totals, errors, links and time; or JSON', async () => {
    const live = path.join(root, 'live');
    const chunking: ChunkPolicy = { mode: 'flat', maxChunkBytes: 1e12, maxChunkFiles: 1e9, maxDepth: 1 };
    const r = await planProfile(profile({ source: live, chunking }), { scanner, chunker: createChunker() });
    r.tree.errors.push({ relPath: 'small/gone', code: 'ENOENT', message: 'vanished' });
    const text = renderPlan([r, { ...r, profile: { ...r.profile, name: 'two' } }], { json: false });
    expect(text).to.contain(`Profile docs: ${live} -> /dst`);
    expect(text).to.match(/7 files, 2\.21 KiB, 5 dirs -> 4 chunks \(flat, max depth 1\)/);
    expect(text).to.match(/#\s+Size\s+Files\s+Depth\s+Kind\s+Path/);
    expect(text).to.match(/1\s+1\.17 KiB\s+2\s+1\s+tree\s+big/);
    expect(text).to.match(/files-only\s+\./);
    expect(text).to.match(/2\.21 KiB\s+7\s+total/);
    expect(text).to.match(/Scan errors, not counted above \(1\):\n\s+ENOENT\s+small\/gone: vanished/);
    expect(text).to.match(/Links not followed \(1\):\n\s+dir\s+lnk/);
    expect(text).to.match(/Scanned in \d+(\.\d)?m?s, planned in \d+(\.\d)?m?s/);
    expect(text).to.match(/All 2 profiles: 14 files, 4\.43 KiB, 8 chunks, 2 scan errors/);
    const json = JSON.parse(renderPlan([r], { json: true }));
    expect(json.profiles[0].totals).to.deep.equal({ files: 7, bytes: 2268, dirs: 5, chunks: 4 });
    expect(json.profiles[0].chunks).to.deep.equal(r.chunks);
    expect(json.profiles[0].errors).to.have.length(1);
    expect(json.profiles[0].skippedLinks).to.deep.equal([{ relPath: 'lnk', target: 'dir' }]);
  });

  it('lists at most maxListed errors and says how many more there are', async () => {
    const r = await planProfile(profile({ source: path.join(root, 'live') }), { scanner, chunker: createChunker() });
    for (let i = 0; i < 5; i++) r.tree.errors.push({ relPath: `e${i}`, code: 'EIO', message: 'm' });
    const text = renderPlan([r], { json: false, maxListed: 2 });
    expect(text).to.contain('e1: m');
    expect(text).not.to.contain('e2: m');
    expect(text).to.contain('... and 3 more');
  });

  it('rejects when the source cannot be read', async () => {
    const err = await planProfile(profile({ source: path.join(root, 'nope') }), { scanner, chunker: createChunker() }).then(() => null, (e: unknown) => e);
    // robocurse's own code for the error, and the system's code beside it (src/errors/catalogue.ts).
    expect(err).to.include({ code: 'SCAN_ROOT_UNREADABLE', fsCode: 'ENOENT' });
  });
});
