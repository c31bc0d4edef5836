import { expect } from 'chai';
import * as path from 'node:path';
import pino from 'pino';
import type { RunEvent } from '../../../src/api';
import { createChunker } from '../../../src/chunk';
import { SimulatedCopier, type SimulationScript } from '../../../src/engines/simulated';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { Orchestrator } from '../../../src/orchestrator/orchestrator';
import type { OrchestrationStatus, RunOptions } from '../../../src/orchestrator/types';
import { createScanner, type WorkerScanner } from '../../../src/scan';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { makeProfile } from '../../helpers/profiles';

describe('Orchestrator with the simulated engine (real scanner, real trees)', function () {
  this.timeout(20_000);
  let dir: string;
  let scanner: WorkerScanner;

  before(() => { scanner = createScanner({ threads: 2 }); });
  after(async () => { await scanner.close(); });
  beforeEach(() => {
    dir = tempDir();
    for (const p of ['alpha', 'beta', 'gamma']) {
      makeTree(path.join(dir, p), { a: { 'f1.bin': 3000, 'f2.bin': 1000 }, b: { 'g.bin': 2000 }, c: { d: { 'h.bin': 500 } }, 'top.txt': 'top' });
    }
  });
  afterEach(() => removeTemp(dir));

  function setup(script: SimulationScript = {}, names = ['alpha', 'beta', 'gamma']) {
    const bus = new EventBus('it-session');
    const events: RunEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const copier = new SimulatedCopier({ script: { '*': { durationMs: 30 }, ...script }, progressIntervalMs: 10 });
    const orch = new Orchestrator({ bus, scanner, chunker: createChunker(), copierFor: () => copier, logger: pino({ level: 'silent' }) });
    // Small chunks: every top-level directory of a profile is its own chunk.
    const profiles = names.map((n) => makeProfile(n, { source: path.join(dir, n), destination: path.join(dir, 'out', n), chunking: { mode: 'flat', maxDepth: 1, maxChunkBytes: 1e12, maxChunkFiles: 1e9 } }));
    const run = (opts: RunOptions = {}) => orch.startReplicationRun(profiles, { maxConcurrentJobs: 2, tickIntervalMs: 20, ...opts });
    return { orch, events, run, copier };
  }

  it('runs profiles one after another, each with its own start and completion', async () => {
    const { events, run } = setup();
    const summary = await run();
    expect(summary.outcome).to.equal('Success');
    const seq = events.filter((e) => e.type === 'ProfileStart' || e.type === 'ProfileComplete').map((e) => `${e.type}:${(e.data as { profile: string }).profile}`);
    expect(seq).to.deep.equal(['ProfileStart:alpha', 'ProfileComplete:alpha', 'ProfileStart:beta', 'ProfileComplete:beta', 'ProfileStart:gamma', 'ProfileComplete:gamma']);
    for (const p of summary.profiles) {
      expect(p.chunksTotal).to.equal(4); // a, b, c and the root's own file
      expect(p.chunksOk).to.equal(4);
      expect(p.result).to.equal('Success');
    }
  });

  it('retries a failing chunk and succeeds on the third attempt', async () => {
    const { events, run, copier } = setup({ a: { exitCodes: [8, 8, 1], durationMs: 10 } }, ['alpha']);
    const summary = await run();
    expect(summary.outcome).to.equal('Success');
    const retries = events.filter((e) => e.type === 'ChunkRetry');
    expect(retries.map((e) => (e.data as { retryCount: number }).retryCount)).to.deep.equal([1, 2]);
    const chunkA = summary.profiles[0];
    expect(chunkA.chunksFailed).to.equal(0);
    const aId = (retries[0].data as { chunkId: string }).chunkId;
    expect(copier.attemptsOf(aId)).to.equal(3);
  });

  it('a profile is never ended by a tick that comes while its pre-flight checks run (fast ticks, several profiles)', async () => {
    const { run } = setup({}, ['alpha', 'beta', 'gamma']);
    for (let i = 0; i < 3; i++) {
      const summary = await run({ tickIntervalMs: 1 });
      expect(summary.outcome, `run ${i}`).to.equal('Success');
      for (const p of summary.profiles) expect(p.chunksOk + p.chunksSkipped, p.profile).to.equal(4);
    }
  });

  it('fails a chunk for good after 3 attempts; the run outcome is Failed', async () => {
    const { events, run } = setup({ b: { exitCodes: [8], durationMs: 10 } }, ['alpha']);
    const summary = await run();
    expect(summary.outcome).to.equal('Failed');
    const errs = events.filter((e) => e.type === 'ChunkError');
    expect(errs).to.have.length(1);
    expect(errs[0].data).to.include({ retryCount: 3, exitCode: 8 });
    expect(summary.profiles[0].chunksFailed).to.equal(1);
    expect(summary.profiles[0].failedChunks[0].source).to.equal(path.join(dir, 'alpha', 'b'));
    const end = events[events.length - 1];
    expect(end.type).to.equal('SessionEnd');
    expect((end.data as { exitCode: number }).exitCode).to.equal(1);
  });

  it('pause holds new starts while running jobs go on; resume finishes the run', async () => {
    const { orch, events, run } = setup({ '*': { durationMs: 150 } }, ['alpha']);
    let paused = false;
    const done = run({
      onProgress: () => {
        if (!paused && orch.state.activeJobs.size > 0) { paused = true; orch.requestPause(); }
      },
    });
    await new Promise((r) => setTimeout(r, 600));
    const startsWhilePaused = events.filter((e) => e.type === 'ChunkStart').length;
    expect(startsWhilePaused).to.equal(2); // the jobs running when pause came; nothing new
    expect(events.filter((e) => e.type === 'ChunkComplete')).to.have.length(2);
    expect(orch.getStatus().paused).to.equal(true);
    orch.requestResume();
    const summary = await done;
    expect(summary.outcome).to.equal('Success');
    expect(events.filter((e) => e.type === 'ChunkStart')).to.have.length(4);
    expect(events.map((e) => e.type)).to.include.members(['Paused', 'Resumed']);
  });

  it('stop mid-run kills running jobs and skips the rest; outcome Stopped', async () => {
    const { orch, events, run } = setup({ '*': { durationMs: 5_000 } });
    const done = run({ onProgress: (s) => { if (s.activeCount === 2) orch.requestStop('test'); } });
    const summary = await done;
    expect(summary.outcome).to.equal('Stopped');
    expect(summary.profiles).to.have.length(1);
    expect(summary.profiles[0].result).to.equal('Stopped');
    expect(events.filter((e) => e.type === 'ChunkComplete')).to.have.length(0);
    expect(events.find((e) => e.type === 'Stopped')?.data).to.deep.equal({ queuedChunks: 2, killedJobs: 2 });
    expect(orch.state.activeJobs.size).to.equal(0);
  });

  it('progress never decreases and ends at 100% of the bytes', async () => {
    const { run } = setup({ a: { exitCodes: [8, 1], durationMs: 80 }, '*': { durationMs: 80 } }, ['alpha', 'beta']);
    const seen: OrchestrationStatus[] = [];
    const summary = await run({ onProgress: (s) => seen.push(s) });
    expect(summary.outcome).to.equal('Success');
    expect(seen.length).to.be.greaterThan(5);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i].overallBytesComplete, `status ${i}`).to.be.at.least(seen[i - 1].overallBytesComplete);
      if (seen[i].currentProfile === seen[i - 1].currentProfile) expect(seen[i].bytesComplete).to.be.at.least(seen[i - 1].bytesComplete);
    }
    const last = seen[seen.length - 1];
    expect(last.overallBytesComplete).to.equal(last.overallBytesTotal);
    expect(last.overallBytesTotal).to.equal(2 * (3000 + 1000 + 2000 + 500 + 3));
    expect(last.overallProgress).to.equal(100);
  });

  it('emits a complete, ordered event sequence', async () => {
    const { events, run } = setup({ c: { exitCodes: [8, 0], durationMs: 5 } }, ['alpha', 'beta']);
    await run();
    expect(events.map((e) => e.seq)).to.deep.equal(events.map((_, i) => i + 1));
    expect(events[0].type).to.equal('SessionStart');
    expect(events[events.length - 1].type).to.equal('SessionEnd');
    expect(new Set(events.map((e) => e.sessionId))).to.deep.equal(new Set(['it-session']));
    for (const e of events) expect(e.timestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    // Per profile: start, scan, chunk events, complete; each ChunkStart closed by a ChunkComplete.
    for (const p of ['alpha', 'beta']) {
      const mine = events.filter((e) => (e.data as { profile?: string }).profile === p).map((e) => e.type);
      expect(mine[0]).to.equal('ProfileStart');
      expect(mine[1]).to.equal('ScanComplete');
      expect(mine[mine.length - 1]).to.equal('ProfileComplete');
      expect(mine.filter((t) => t === 'ChunkStart').length).to.equal(mine.filter((t) => t === 'ChunkComplete').length);
    }
    expect(events.filter((e) => e.type === 'ChunkRetry')).to.have.length(2); // c failed once in each profile
  });
});
