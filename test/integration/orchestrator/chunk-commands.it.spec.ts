import { expect } from 'chai';
import * as path from 'node:path';
import pino from 'pino';
import type { RunEvent } from '../../../src/api';
import { createChunker } from '../../../src/chunk';
import { SimulatedCopier, type SimulationScript } from '../../../src/engines/simulated';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { Orchestrator } from '../../../src/orchestrator/orchestrator';
import { createScanner, type WorkerScanner } from '../../../src/scan';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { makeProfile } from '../../helpers/profiles';

/** Polls until `cond` holds (generous limit; never a timing assertion). */
async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Orchestrator: retry-chunk and skip-chunk', function () {
  this.timeout(30_000);
  let dir: string;
  let scanner: WorkerScanner;
  before(() => { scanner = createScanner({ threads: 1 }); });
  after(async () => { await scanner.close(); });
  beforeEach(() => {
    dir = tempDir();
    makeTree(path.join(dir, 'src'), { bad: { 'f.bin': 5000 }, a: { 'f.bin': 4000 }, b: { 'f.bin': 3000 }, c: { 'f.bin': 2000 }, d: { 'f.bin': 1000 } });
  });
  afterEach(() => removeTemp(dir));

  function setup(script: SimulationScript, maxAttempts = 1) {
    const bus = new EventBus('chunk-commands');
    const events: RunEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const copier = new SimulatedCopier({ script, progressIntervalMs: 10 });
    const orch = new Orchestrator({ bus, scanner, chunker: createChunker(), copierFor: () => copier, logger: pino({ level: 'silent' }) });
    const profile = makeProfile('p', {
      source: path.join(dir, 'src'), destination: path.join(dir, 'dst'), retry: { maxAttempts, backoffSeconds: 0, maxBackoffSeconds: 0, engineRetries: 0, engineWaitSeconds: 0 },
      chunking: { mode: 'flat', maxDepth: 1, maxChunkBytes: 1e12, maxChunkFiles: 1e9 },
    });
    return { orch, events, copier, profile };
  }
  const idOf = (events: RunEvent[], rel: string) => (events.find((e) => e.type === 'ChunkStart' && (e.data as { source: string }).source.endsWith(`/${rel}`))?.data as { chunkId: string }).chunkId;

  it('a chunk that failed for good gets one more attempt, first in line, and counts as done when it succeeds', async () => {
    // 'bad' fails on its first attempt and succeeds on the second; the others wait on a pause.
    const { orch, events, profile } = setup({ '*': { durationMs: 50 }, bad: { exitCodes: [16, 1], durationMs: 0 } });
    const run = orch.startReplicationRun([profile], { maxConcurrentJobs: 1, tickIntervalMs: 10 });
    await until(() => events.some((e) => e.type === 'ChunkError'), 'bad to fail');
    orch.requestPause();
    const badId = (events.find((e) => e.type === 'ChunkError')!.data as { chunkId: string }).chunkId;
    await until(() => orch.state.activeJobs.size === 0, 'the running chunk to finish');
    expect(orch.state.failedChunks.map((f) => f.chunk.id)).to.deep.equal([badId]);
    orch.retryChunk(badId, 'test');
    expect(orch.state.failedChunks).to.deep.equal([]);
    expect(orch.queue.items()[0].chunk.id).to.equal(badId); // first in line, ahead of the pending ones
    orch.requestResume();
    const summary = await run;
    const starts = events.filter((e) => e.type === 'ChunkStart' && (e.data as { chunkId: string }).chunkId === badId).map((e) => (e.data as { attempt: number }).attempt);
    expect(starts).to.deep.equal([1, 2]);
    expect(events.find((e) => e.type === 'CommandApplied')?.data).to.deep.include({ command: 'retry-chunk', chunkId: badId, source: 'test' });
    expect(summary.outcome).to.equal('Success');
    expect(summary.profiles[0]).to.include({ chunksOk: 5, chunksFailed: 0, chunksTotal: 5 });
  });

  it('refuses to retry a running chunk, one never tried, or one of no current profile; refusals change nothing', async () => {
    const { orch, events, profile } = setup({ '*': { durationMs: 60_000 } });
    expect(() => orch.retryChunk('0123456789abcdef')).to.throw(/no profile is copying/);
    const run = orch.startReplicationRun([profile], { maxConcurrentJobs: 1, tickIntervalMs: 10 });
    await until(() => orch.state.activeJobs.size === 1, 'a chunk to run');
    const running = [...orch.state.activeJobs.values()][0].chunk.id;
    expect(() => orch.retryChunk(running)).to.throw(/is running/);
    expect(() => orch.skipChunk(running)).to.throw(/is running/);
    const pending = orch.queue.items()[0].chunk.id;
    expect(() => orch.retryChunk(pending)).to.throw(/has not failed/);
    expect(() => orch.retryChunk('ffffffffffffffff')).to.throw(/not failed or waiting/);
    expect(orch.queue.size).to.equal(4);
    expect(events.filter((e) => e.type === 'CommandApplied')).to.deep.equal([]);
    orch.requestStop('test over');
    await run;
  });

  it('a skipped chunk is never copied, counts as failed (exit 1 material), and says why', async () => {
    const { orch, events, copier, profile } = setup({ '*': { durationMs: 40 } });
    const run = orch.startReplicationRun([profile], { maxConcurrentJobs: 1, tickIntervalMs: 10 });
    await until(() => orch.state.activeJobs.size === 1, 'a chunk to run');
    const victim = orch.queue.items().at(-1)!.chunk;
    orch.skipChunk(victim.id, 'dashboard');
    expect(() => orch.skipChunk(victim.id)).to.throw(/not waiting to run/);
    const summary = await run;
    expect(copier.attemptsOf(victim.id)).to.equal(0);
    expect(summary.outcome).to.equal('Failed');
    expect(summary.profiles[0]).to.include({ chunksOk: 4, chunksFailed: 1 });
    expect(summary.profiles[0].failedChunks[0]).to.include({ chunkId: victim.id });
    expect(summary.profiles[0].failedChunks[0].message).to.match(/skipped on request \(dashboard\)/);
    const types = events.filter((e) => (e.data as { chunkId?: string }).chunkId === victim.id).map((e) => e.type);
    expect(types).to.deep.equal(['CommandApplied', 'ChunkError']);
    expect(idOf(events, 'a')).to.be.a('string');
  });
});
