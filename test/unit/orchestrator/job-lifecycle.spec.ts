import { expect } from 'chai';
import type { Chunk, Copier } from '../../../src/api';
import { JobLifecycle } from '../../../src/orchestrator/job-lifecycle';
import { ProgressTracker } from '../../../src/orchestrator/progress-tracker';
import { ProfileRun } from '../../../src/orchestrator/run-context';
import { makeChunks, makeProfile } from '../../helpers/profiles';
import { HandJob, handClock, makeContext, result } from './part-kit';

describe('orchestrator part: job lifecycle and retries (JobLifecycle)', () => {
  function setup(retry = { maxAttempts: 3, backoffSeconds: 10, maxBackoffSeconds: 15 }, breakerAfter = 10) {
    const clock = handClock();
    const started: HandJob[] = [];
    let failStart: Error | undefined;
    const copier: Copier = {
      name: 'hand', capabilities: { suspend: true, liveBandwidth: false, mirror: true, dryRun: true, liveProgress: true },
      start: (c: Chunk) => { if (failStart) throw failStart; const j = new HandJob(c); started.push(j); return j; },
    };
    const { ctx, events } = makeContext({ now: clock.now }, copier);
    const profile = makeProfile('p', { retry: { ...makeProfile('p').retry, ...retry }, circuitBreaker: { consecutiveFailures: breakerAfter } });
    ctx.state.currentProfile = profile;
    ctx.state.phase = 'Replicating';
    ctx.profileRun = new ProfileRun(profile);
    ctx.profileDone = () => undefined;
    let ticks = 0;
    ctx.tick = () => { ticks++; };
    const progress = new ProgressTracker(ctx);
    const jobs = new JobLifecycle(ctx, progress);
    const chunks = makeChunks('p', 4);
    return { ctx, events, clock, jobs, chunks, started, failWith: (e?: Error) => { failStart = e; }, ticks: () => ticks };
  }
  const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

  it('a started attempt is active with a ChunkStart event; when it ends, the next collection records it as complete', async () => {
    const { ctx, events, jobs, chunks, started } = setup();
    jobs.startChunkJob({ chunk: chunks[0], retryCount: 0, notBefore: 0 }, 0);
    expect(ctx.state.activeJobs.size).to.equal(1);
    expect(events.map((e) => e.type)).to.deep.equal(['ChunkStart']);
    expect(jobs.uncollected).to.equal(0);
    started[0].end(result('Success'));
    await settle();
    expect(jobs.uncollected).to.equal(1);
    jobs.collectFinished();
    expect(ctx.state.activeJobs.size).to.equal(0);
    expect(ctx.state.completedChunks.map((c) => [c.chunk.id, c.status])).to.deep.equal([[chunks[0].id, 'Complete']]);
    expect(ctx.state.completedCount).to.equal(1);
    expect(events.map((e) => e.type)).to.deep.equal(['ChunkStart', 'ChunkComplete']);
  });

  it('an engine that throws on start gives a "failed to start" result, retried like any failure', async () => {
    const { ctx, events, jobs, chunks, failWith } = setup();
    failWith(new Error('no such engine binary'));
    jobs.startChunkJob({ chunk: chunks[0], retryCount: 0, notBefore: 0 }, 0);
    await settle();
    jobs.collectFinished();
    const retry = events.find((e) => e.type === 'ChunkRetry')!.data as { message: string; retryCount: number };
    expect(retry.message).to.equal('failed to start: no such engine binary');
    expect(retry.retryCount).to.equal(1);
    expect(ctx.queue.size).to.equal(1);
  });

  it('retries with exponential backoff capped at maxBackoffSeconds, then fails the chunk for good with its last exit', () => {
    const { ctx, events, jobs, chunks, clock } = setup();
    const active = (retryCount: number) => ({ id: retryCount + 1, job: undefined as never, chunk: chunks[0], retryCount, attempt: retryCount + 1, startedAt: clock.now() });
    jobs.handleFailedChunk(active(0), result('Error'));
    expect(ctx.queue.items()[0]).to.include({ retryCount: 1, notBefore: clock.now() + 10_000 });
    ctx.queue.clear();
    jobs.handleFailedChunk(active(1), result('Error'));
    // 10 s × 2 = 20 s, capped at 15 s.
    expect(ctx.queue.items()[0]).to.include({ retryCount: 2, notBefore: clock.now() + 15_000 });
    ctx.queue.clear();
    jobs.handleFailedChunk(active(2), result('Error', true, 'disk gone'));
    expect(ctx.queue.size).to.equal(0);
    expect(ctx.state.failedChunks.map((f) => [f.chunk.id, f.retryCount])).to.deep.equal([[chunks[0].id, 3]]);
    expect(events.map((e) => e.type)).to.deep.equal(['ChunkRetry', 'ChunkRetry', 'ChunkError']);
    expect(events[2].data).to.deep.include({ retryCount: 3, message: 'disk gone' });
  });

  it('a failure that says not to retry fails for good at once', () => {
    const { ctx, jobs, chunks, clock } = setup();
    jobs.handleFailedChunk({ id: 1, job: undefined as never, chunk: chunks[0], retryCount: 0, attempt: 1, startedAt: clock.now() }, result('Fatal', false));
    expect(ctx.queue.size).to.equal(0);
    expect(ctx.state.failedChunks).to.have.length(1);
  });

  it('the circuit breaker trips after N chunks failed for good in a row: the waiting chunks are dropped, a completion in between resets the count', () => {
    const { ctx, events, jobs, chunks, clock } = setup({ maxAttempts: 1, backoffSeconds: 0, maxBackoffSeconds: 0 }, 2);
    for (const c of chunks.slice(2)) ctx.queue.enqueue({ chunk: c, retryCount: 0, notBefore: 0 }, 0);
    const fail = (c: Chunk) => jobs.completeJob({ id: 1, job: undefined as never, chunk: c, retryCount: 0, attempt: 1, startedAt: clock.now() }, result('Error'));
    fail(chunks[0]);
    jobs.completeJob({ id: 2, job: undefined as never, chunk: chunks[1], retryCount: 0, attempt: 1, startedAt: clock.now() }, result('Success'));
    fail(chunks[2]);
    expect(ctx.profileRun!.breaker.tripped).to.equal(undefined);
    fail(chunks[3]);
    expect(ctx.profileRun!.breaker.tripped).to.match(/2 chunks in a row failed/);
    expect(ctx.queue.size).to.equal(0);
    expect((events.find((e) => e.type === 'Warning')!.data as { code: string }).code).to.equal('CIRCUIT_BREAKER');
  });

  it('retry-chunk: a chunk failed for good runs next and its bytes leave the progress; refused for a chunk that never failed', () => {
    const { ctx, events, jobs, chunks, clock, ticks } = setup({ maxAttempts: 1, backoffSeconds: 0, maxBackoffSeconds: 0 });
    ctx.queue.enqueue({ chunk: chunks[1], retryCount: 0, notBefore: 0 }, 0);
    jobs.completeJob({ id: 1, job: undefined as never, chunk: chunks[0], retryCount: 0, attempt: 1, startedAt: clock.now() }, result('Error'));
    ctx.state.bytesComplete = 1000;
    expect(() => jobs.retryChunk(chunks[1].id, 'test')).to.throw(/waiting for its first attempt/);
    expect(() => jobs.retryChunk('nope', 'test')).to.throw(/not failed or waiting for a retry/);
    jobs.retryChunk(chunks[0].id, 'dashboard');
    expect(ctx.state.failedChunks).to.deep.equal([]);
    expect(ctx.state.completedCount).to.equal(0);
    expect(ctx.state.bytesComplete).to.equal(0);
    expect(ctx.queue.items().map((q) => q.chunk.id)).to.deep.equal([chunks[0].id, chunks[1].id]);
    expect(events.at(-1)).to.deep.include({ type: 'CommandApplied', data: { command: 'retry-chunk', chunkId: chunks[0].id, source: 'dashboard' } });
    expect(ticks()).to.equal(1);
  });

  it('skip-chunk: a waiting chunk counts as failed (never as done), with who asked; a running one cannot be skipped', () => {
    const { ctx, events, jobs, chunks } = setup();
    ctx.queue.enqueue({ chunk: chunks[0], retryCount: 0, notBefore: 0 }, 0);
    jobs.startChunkJob({ chunk: chunks[1], retryCount: 0, notBefore: 0 }, 0);
    expect(() => jobs.skipChunk(chunks[1].id, 'cli')).to.throw(/it is running/);
    jobs.skipChunk(chunks[0].id, 'cli');
    expect(ctx.state.failedChunks.map((f) => f.chunk.id)).to.deep.equal([chunks[0].id]);
    expect(events.find((e) => e.type === 'ChunkError')!.data).to.deep.include({ chunkId: chunks[0].id, message: 'skipped on request (cli): not copied in this run' });
    ctx.state.stopRequested = true;
    expect(() => jobs.skipChunk(chunks[2].id, 'cli')).to.throw(/the run is stopping/);
  });
});
