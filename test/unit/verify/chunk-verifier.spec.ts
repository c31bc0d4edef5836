import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chunk } from '../../../src/api';
import { verifyChunk, type VerifyChunkRequest, type VerifyWorkers } from '../../../src/verify';
import { hashPairsTask, scanChunkTask } from '../../../src/verify/verify-worker';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

/** The worker's functions called on this thread (the piscina pool itself: test/integration/verify). */
const inline: VerifyWorkers = {
  scanChunk: async (t) => scanChunkTask(t),
  hashPairs: async (t) => hashPairsTask(t),
  close: async () => undefined,
};

describe('verifyChunk on real trees (inline workers)', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-verify-unit-'); });
  afterEach(() => removeTemp(dir));

  const chunk = (rel: string, kind: Chunk['kind'] = 'tree'): Chunk => ({
    id: `c-${rel}`, profile: 'p', kind, relPath: rel, sourcePath: path.join(dir, 'src', rel), destinationPath: path.join(dir, 'dst', rel), depth: 1, estimatedBytes: 0, estimatedFiles: 0,
  });
  const req = (c: Chunk, o: Partial<VerifyChunkRequest> = {}): VerifyChunkRequest => ({
    chunk: c, mode: 'full', samplePercent: 100, excludes: { excludeFiles: ['*.tmp'], excludeDirs: ['cache'], caseInsensitive: false },
    preserved: { mtime: true, mode: true }, seed: 's', ...o,
  });
  /** dst as an exact copy of src (times and modes kept). */
  const copy = (): void => {
    fs.cpSync(path.join(dir, 'src'), path.join(dir, 'dst'), { recursive: true, preserveTimestamps: true });
  };

  it('an exact copy verifies clean; excluded files and directories are not compared', async () => {
    makeTree(dir, { src: { d: { 'a.txt': 'a', 'b.bin': 5000, 'x.tmp': 'skip', cache: { 'c.txt': 'skip' } } } });
    copy();
    fs.rmSync(path.join(dir, 'dst', 'd', 'x.tmp'));
    fs.rmSync(path.join(dir, 'dst', 'd', 'cache'), { recursive: true });
    const v = await verifyChunk(req(chunk('d')), inline);
    expect(v).to.deep.include({ filesChecked: 2, filesHashed: 2, mismatches: 0, changedInSource: 0, findings: [] });
  });

  it('a missing directory is one finding; a link in the destination is never followed', async () => {
    makeTree(dir, { src: { d: { sub: { '1.txt': '1', '2.txt': '2' }, 'l.txt': 'real', 'ok.txt': 'ok' } }, outside: { 'l.txt': 'real' } });
    copy();
    fs.rmSync(path.join(dir, 'dst', 'd', 'sub'), { recursive: true });
    fs.rmSync(path.join(dir, 'dst', 'd', 'l.txt'));
    // A link to a file with the very same content and time outside the destination.
    fs.cpSync(path.join(dir, 'src', 'd', 'l.txt'), path.join(dir, 'outside', 'l.txt'), { preserveTimestamps: true });
    fs.symlinkSync(path.join(dir, 'outside', 'l.txt'), path.join(dir, 'dst', 'd', 'l.txt'));
    const v = await verifyChunk(req(chunk('d')), inline);
    expect(v.findings.map((f) => [f.path, f.kind])).to.deep.equal([['d/l.txt', 'type'], ['d/sub', 'missing']].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    expect(v.findings.find((f) => f.kind === 'type')!.detail).to.contain('symbolic link');
    expect(v.mismatches).to.equal(2);
  });

  it('files-only chunks compare only the files directly in their directory', async () => {
    makeTree(dir, { src: { d: { 'top.txt': 'top', deeper: { 'x.txt': 'x' } } } });
    copy();
    fs.rmSync(path.join(dir, 'dst', 'd', 'deeper'), { recursive: true });
    const v = await verifyChunk(req(chunk('d', 'files-only')), inline);
    expect(v).to.deep.include({ filesChecked: 1, mismatches: 0 });
  });

  it('size, time and mode differences are mismatches in meta mode, and nothing is hashed', async () => {
    makeTree(dir, { src: { d: { 's.txt': 'same size?', 't.txt': 'time', 'm.txt': 'mode' } } });
    fs.chmodSync(path.join(dir, 'src', 'd', 'm.txt'), 0o644);
    // The source's last change must lie clearly before the copy's (ctime has a coarse clock): a
    // source changed in the same tick as its copy counts as changed in the source.
    const changed = fs.statSync(path.join(dir, 'src', 'd', 'm.txt')).ctimeMs;
    while (Date.now() <= changed + 30) { /* wait for the clock, not for a duration to assert */ }
    copy();
    const d = (f: string): string => path.join(dir, 'dst', 'd', f);
    const keepTimes = (f: string, change: () => void): void => { const st = fs.statSync(d(f)); change(); fs.utimesSync(d(f), st.atime, st.mtime); };
    keepTimes('s.txt', () => fs.writeFileSync(d('s.txt'), 'short'));
    fs.utimesSync(d('t.txt'), new Date(0), new Date(0));
    keepTimes('m.txt', () => fs.chmodSync(d('m.txt'), 0o600));
    const v = await verifyChunk(req(chunk('d'), { mode: 'meta' }), inline);
    expect(Object.fromEntries(v.findings.map((f) => [f.path, f.kind]))).to.deep.equal({ 'd/s.txt': 'size', 'd/t.txt': 'mtime', 'd/m.txt': 'mode' });
    expect(v.filesHashed).to.equal(0);
    // The same copy where the engine keeps neither time nor mode: only the size differs.
    const lax = await verifyChunk(req(chunk('d'), { mode: 'meta', preserved: { mtime: false, mode: false } }), inline);
    expect(lax.findings.map((f) => f.kind)).to.deep.equal(['size']);
  });

  it('a source file written after its copy was made is changed in the source, not a bad copy', async () => {
    makeTree(dir, { src: { d: { 'w.txt': 'version 1' } } });
    copy();
    // ctime comes from the kernel's coarse clock (a tick of up to 10 ms): let the clock move
    // well past the copy's change time before the source is written.
    const copied = fs.statSync(path.join(dir, 'dst', 'd', 'w.txt')).ctimeMs;
    while (Date.now() <= copied + 30) { /* wait for the clock, not for a duration to assert */ }
    fs.writeFileSync(path.join(dir, 'src', 'd', 'w.txt'), 'version 2');
    const v = await verifyChunk(req(chunk('d')), inline);
    expect(v).to.deep.include({ mismatches: 0, changedInSource: 1 });
    expect(v.findings[0]).to.include({ path: 'd/w.txt', kind: 'changed-in-source' });
    // A file that appeared in the source after the copy started is not "missing" either.
    fs.writeFileSync(path.join(dir, 'src', 'd', 'new.txt'), 'new');
    const w = await verifyChunk(req(chunk('d'), { copiedAt: copied }), inline);
    expect(w.findings.map((f) => [f.path, f.kind])).to.deep.include.members([['d/new.txt', 'changed-in-source']]);
    expect(w.mismatches).to.equal(0);
  });
});
