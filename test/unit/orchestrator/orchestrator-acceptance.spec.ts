import { expect } from 'chai';
import pino from 'pino';
import type { Chunker, CopyResult, RunEvent, Scanner } from '../../../src/api';
import { emptyStats } from '../../../src/api';
import { SimulatedCopier } from '../../../src/engines/simulated';
import { robocopyExitMeaning } from '../../../src/engines/exit-meaning';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { Orchestrator } from '../../../src/orchestrator/orchestrator';
import type { ActiveJob } from '../../../src/orchestrator/types';
import { makeChunks, makeProfile } from '../../helpers/profiles';

const unusedScanner: Scanner = { scan: () => Promise.reject(new Error('not used')) };
const unusedChunker: Chunker = { plan: () => [] };

function failed(code: number): CopyResult {
  return { exitCode: code, exitMeaning: robocopyExitMeaning(code), stats: emptyStats(), errors: [], durationMs: 5, killed: false };
}

/** The seed spec's acceptance tests (Pester, ported to mocha). */
describe('Orchestrator: the seed acceptance tests', () => {
  let copier: SimulatedCopier;
  let events: RunEvent[];
  let orch: Orchestrator;

  beforeEach(() => {
    // Every job runs for a minute unless killed: the tests look at the queue, not at completion.
    copier = new SimulatedCopier({ script: { '*': { durationMs: 60_000 } } });
    const bus = new EventBus('test-session');
    events = [];
    bus.subscribe((e) => events.push(e));
    // Made-up paths (/src/p/dir0): the chunk-root check would refuse them.
    orch = new Orchestrator({ bus, scanner: unusedScanner, chunker: unusedChunker, copierFor: () => copier, logger: pino({ level: 'silent' }), guardChunkRoots: false });
  });

  afterEach(async () => { await orch.stopAllJobs(); });

  it('starts exactly max-concurrent jobs from a queue of 10 (6 left queued)', () => {
    orch.initQueue(makeProfile('p'), makeChunks('p', 10));
    orch.setMaxConcurrentJobs(4);
    expect(orch.state.activeJobs.size).to.equal(4);
    expect(orch.queue.size).to.equal(6);
    expect(events.filter((e) => e.type === 'ChunkStart')).to.have.length(4);
  });

  it('starts nothing when paused', () => {
    orch.requestPause();
    orch.initQueue(makeProfile('p'), makeChunks('p', 10));
    orch.tick();
    expect(orch.state.activeJobs.size).to.equal(0);
    expect(orch.queue.size).to.equal(10);
    orch.requestResume();
    expect(orch.state.activeJobs.size).to.equal(4);
  });

  it('re-queues a failed chunk (exit 8, Error, shouldRetry) with retry count 1', () => {
    const profile = makeProfile('p');
    const [chunk] = makeChunks('p', 1);
    orch.initQueue(profile, []);
    const meaning = robocopyExitMeaning(8);
    expect(meaning.severity).to.equal('Error');
    expect(meaning.shouldRetry).to.equal(true);
    const job: ActiveJob = { id: 1, job: undefined as never, chunk, retryCount: 0, attempt: 1, startedAt: Date.now() };
    orch.handleFailedChunk(job, failed(8));
    const queued = orch.queue.items();
    expect(queued).to.have.length(1);
    expect(queued[0].chunk.id).to.equal(chunk.id);
    expect(queued[0].retryCount).to.equal(1);
    expect(orch.state.failedChunks).to.have.length(0);
    expect(events.map((e) => e.type)).to.deep.equal(['ChunkRetry']);
  });

  it('marks a chunk at retry count 2 failed and does not re-queue it', () => {
    const profile = makeProfile('p');
    const [chunk] = makeChunks('p', 1);
    orch.initQueue(profile, []);
    const job: ActiveJob = { id: 1, job: undefined as never, chunk, retryCount: 2, attempt: 3, startedAt: Date.now() };
    orch.handleFailedChunk(job, failed(8));
    expect(orch.queue.size).to.equal(0);
    expect(orch.state.failedChunks.map((f) => f.chunk.id)).to.deep.equal([chunk.id]);
    const err = events.find((e) => e.type === 'ChunkError');
    expect(err?.data).to.include({ chunkId: chunk.id, retryCount: 3, exitCode: 8 });
  });

  it('does not retry a Fatal result (exit 16), whatever the count', () => {
    orch.initQueue(makeProfile('p'), []);
    const [chunk] = makeChunks('p', 1);
    orch.handleFailedChunk({ id: 1, job: undefined as never, chunk, retryCount: 0, attempt: 1, startedAt: Date.now() }, failed(16));
    expect(orch.queue.size).to.equal(0);
    expect(orch.state.failedChunks).to.have.length(1);
  });

  it('stop kills every running job and empties the active set', async () => {
    orch.initQueue(makeProfile('p'), makeChunks('p', 10));
    orch.setMaxConcurrentJobs(4);
    const jobs = [...orch.state.activeJobs.values()].map((a) => a.job);
    expect(jobs).to.have.length(4);
    orch.requestStop('test');
    await orch.stopAllJobs();
    const results = await Promise.all(jobs.map((j) => j.done));
    expect(results.every((r) => r.killed)).to.equal(true);
    expect(orch.state.activeJobs.size).to.equal(0);
    expect(orch.state.phase).to.equal('Stopped');
    expect(events.map((e) => e.type)).to.include.members(['StopRequested', 'Stopped']);
  });
});
