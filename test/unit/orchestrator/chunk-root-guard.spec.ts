import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chunk, CopyOptions, CopyResult } from '../../../src/api';
import { emptyStats } from '../../../src/api';
import { SimulatedCopier } from '../../../src/engines/simulated';
import { checkChunkRoots, recheckChunkRoots, startChunk, type ChunkRoots } from '../../../src/orchestrator/chunk-root-guard';
import { hashTree } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { makeOptions } from '../../contract/contract-fixtures';

function chunkAt(root: string, relPath: string): Chunk {
  return {
    id: `c-${relPath}`, profile: 'p', kind: 'tree', relPath,
    sourcePath: path.join(root, 'src', relPath), destinationPath: path.join(root, 'dst', relPath),
    depth: relPath.split('/').length, estimatedFiles: 1, estimatedBytes: 1,
  };
}

const failedStart = (err: unknown): CopyResult => ({
  exitCode: -1, exitMeaning: { severity: 'Error', shouldRetry: true, message: `failed to start: ${(err as Error).message}` },
  stats: emptyStats(), errors: [], durationMs: 0, killed: false,
});

describe('chunk-root guard', () => {
  let root: string; let roots: ChunkRoots; let victim: string; let victimHash: string;
  beforeEach(() => {
    root = tempDir('robocurse-guard-');
    roots = { sourceRoot: path.join(root, 'src'), destinationRoot: path.join(root, 'dst'), windowsPaths: false };
    makeTree(path.join(root, 'src'), { a: { b: { 'f.txt': 'f' } } });
    victim = path.join(root, 'victim');
    makeTree(victim, { 'keep.txt': 'v' });
    victimHash = hashTree(victim);
  });
  afterEach(() => {
    expect(hashTree(victim)).to.equal(victimHash);
    removeTemp(root);
  });

  it('passes a clean chunk and creates the destination parents, not the chunk directory itself', async () => {
    const g = await checkChunkRoots(chunkAt(root, 'a/b'), roots, { mirror: false, dryRun: false });
    expect(g.ok).to.equal(true);
    expect(fs.statSync(path.join(root, 'dst', 'a')).isDirectory()).to.equal(true);
    expect(fs.existsSync(path.join(root, 'dst', 'a', 'b'))).to.equal(false);
  });

  it('a dry run creates nothing', async () => {
    const g = await checkChunkRoots(chunkAt(root, 'a/b'), roots, { mirror: true, dryRun: true });
    expect(g.ok).to.equal(true);
    expect(fs.existsSync(path.join(root, 'dst'))).to.equal(false);
  });

  it('refuses a source component that is a link now, naming it', async () => {
    fs.renameSync(path.join(root, 'src', 'a'), path.join(root, 'a-moved'));
    fs.symlinkSync(path.join(root, 'a-moved'), path.join(root, 'src', 'a'));
    const g = await checkChunkRoots(chunkAt(root, 'a/b'), roots, { mirror: true, dryRun: false });
    expect(g.ok).to.equal(false);
    expect(!g.ok && g.message).to.contain(`${path.join(root, 'src', 'a')} is a symbolic link`).and.to.contain('changed since the scan');
  });

  it('a destination link at the chunk root or above: refused without mirror, replaced with mirror', async () => {
    fs.mkdirSync(path.join(root, 'dst'));
    fs.symlinkSync(victim, path.join(root, 'dst', 'a'));
    const refused = await checkChunkRoots(chunkAt(root, 'a/b'), roots, { mirror: false, dryRun: false });
    expect(!refused.ok && refused.message).to.contain(`destination ${path.join(root, 'dst', 'a')} is a symbolic link (to ${victim})`);
    const replaced = await checkChunkRoots(chunkAt(root, 'a/b'), roots, { mirror: true, dryRun: false });
    expect(replaced.ok && replaced.replaced).to.deep.equal([{ path: path.join(root, 'dst', 'a'), kind: 'symbolic link', target: victim }]);
    fs.symlinkSync(victim, path.join(root, 'dst', 'a', 'b'));
    const last = await checkChunkRoots(chunkAt(root, 'a/b'), roots, { mirror: true, dryRun: false });
    expect(last.ok && last.replaced.map((r) => r.path)).to.deep.equal([path.join(root, 'dst', 'a', 'b')]);
  });

  it('refuses a chunk that does not lie under the profile roots', async () => {
    const c = { ...chunkAt(root, 'a/b'), destinationPath: '/elsewhere/a/b' };
    const g = await checkChunkRoots(c, roots, { mirror: false, dryRun: false });
    expect(!g.ok && g.message).to.contain('does not lie under the profile');
  });

  it('the recheck after the copy notices a destination swapped for a link or another directory', async () => {
    makeTree(path.join(root, 'dst'), { a: { b: {} } });
    const before = await checkChunkRoots(chunkAt(root, 'a/b'), roots, { mirror: false, dryRun: false });
    if (!before.ok) throw new Error('setup');
    expect(await recheckChunkRoots(chunkAt(root, 'a/b'), roots, before)).to.equal(undefined);
    fs.renameSync(path.join(root, 'dst', 'a', 'b'), path.join(root, 'dst', 'a', 'b.moved'));
    fs.mkdirSync(path.join(root, 'dst', 'a', 'b'));
    expect(await recheckChunkRoots(chunkAt(root, 'a/b'), roots, before)).to.contain('was replaced (by another directory');
    fs.rmdirSync(path.join(root, 'dst', 'a', 'b'));
    fs.symlinkSync(victim, path.join(root, 'dst', 'a', 'b'));
    expect(await recheckChunkRoots(chunkAt(root, 'a/b'), roots, before)).to.contain('is a symbolic link');
  });

  describe('the guarded job', () => {
    it('a refused chunk never reaches the engine and is Fatal, not retried', async () => {
      const copier = new SimulatedCopier({ script: { '*': { durationMs: 10 } } });
      fs.mkdirSync(path.join(root, 'dst'));
      fs.symlinkSync(victim, path.join(root, 'dst', 'a'));
      const c = chunkAt(root, 'a/b');
      const r = await startChunk(copier, c, makeOptions(), roots, failedStart).done;
      expect(copier.attemptsOf(c.id)).to.equal(0);
      expect(r.exitMeaning).to.deep.include({ severity: 'Fatal', shouldRetry: false });
      expect(r.errors[0]).to.deep.include({ path: path.join(root, 'dst', 'a'), code: 'ELOOP' });
    });

    it('a replaced link makes a successful chunk a Warning that says what was replaced', async () => {
      const sim = new SimulatedCopier({ script: { '*': { durationMs: 10 } } });
      // An engine that makes the chunk's directory, as real ones do (the recheck looks for it).
      const copier = { name: sim.name, capabilities: sim.capabilities, start: (ch: Chunk, o: CopyOptions) => { fs.mkdirSync(ch.destinationPath); return sim.start(ch, o); } };
      fs.mkdirSync(path.join(root, 'dst'));
      fs.symlinkSync(victim, path.join(root, 'dst', 'a'));
      const c = chunkAt(root, 'a/b');
      const r = await startChunk(copier, c, makeOptions({ mirror: true }), roots, failedStart).done;
      expect(sim.attemptsOf(c.id)).to.equal(1);
      expect(r.exitMeaning.severity).to.equal('Warning');
      expect(r.exitMeaning.message).to.contain('replaced by a directory (mirror), its target not touched');
      expect(r.stats.extrasRemoved).to.be.at.least(1);
    });

    it('kill before the engine started ends the job as killed, without starting it', async () => {
      const copier = new SimulatedCopier({ script: { '*': { durationMs: 10_000 } } });
      const c = chunkAt(root, 'a/b');
      const job = startChunk(copier, c, makeOptions(), roots, failedStart);
      await job.kill();
      const r = await job.done;
      expect(r.killed).to.equal(true);
      expect(copier.attemptsOf(c.id)).to.equal(0);
    });

    it('a copier that throws on start gives the orchestrator\'s start-failure result', async () => {
      const c = chunkAt(root, 'a/b');
      const copier = { name: 'boom', capabilities: new SimulatedCopier().capabilities, start: () => { throw new Error('no such engine binary'); } };
      const r = await startChunk(copier, c, makeOptions(), roots, failedStart).done;
      expect(r.exitMeaning.message).to.equal('failed to start: no such engine binary');
    });

    it('suspend, bandwidth and progress listeners set before the start reach the engine', async () => {
      const copier = new SimulatedCopier({ script: { '*': { durationMs: 300 } }, progressIntervalMs: 10 });
      const c = chunkAt(root, 'a/b');
      fs.mkdirSync(path.join(root, 'dst', 'a', 'b'), { recursive: true });
      const job = startChunk(copier, c, makeOptions(), roots, failedStart);
      const seen: number[] = [];
      job.onProgress((p) => seen.push(p.bytesCopied));
      job.setBandwidth!(1000);
      job.suspend!();
      await new Promise((r) => setTimeout(r, 100));
      job.resume!();
      const r = await job.done;
      expect(r.exitMeaning.severity).to.equal('Success');
      expect(seen.length).to.be.greaterThan(0);
    });
  });
});
