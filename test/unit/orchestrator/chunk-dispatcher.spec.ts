import { expect } from 'chai';
import pino from 'pino';
import { emptyStats, type Chunker, type CopyJob, type CopyResult, type RunEvent, type Scanner } from '../../../src/api';
import { SimulatedCopier } from '../../../src/engines/simulated';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { Orchestrator } from '../../../src/orchestrator/orchestrator';
import { InProcessDispatcher, type ChunkAttempt, type ChunkDispatcher } from '../../../src/orchestrator/chunk-dispatcher';
import { NullJournal } from '../../../src/orchestrator/run-journal';
import { makeChunks, makeProfile } from '../../helpers/profiles';

const unusedScanner: Scanner = { scan: () => Promise.reject(new Error('not used')) };
const unusedChunker: Chunker = { plan: () => [] };

/** Runs attempts in process like the default, and remembers what it was handed. */
class RecordingDispatcher implements ChunkDispatcher {
  readonly attempts: ChunkAttempt[] = [];
  failFirst = 0;
  constructor(private readonly inner: ChunkDispatcher) {}
  start(a: ChunkAttempt, startFailure: (err: unknown) => CopyResult): CopyJob {
    this.attempts.push(a);
    if (this.failFirst > 0) { this.failFirst--; throw new Error('queue unreachable'); }
    return this.inner.start(a, startFailure);
  }
}

/** A job waiting on another host: it neither begins nor ends until taken back. */
class WaitingJob implements CopyJob {
  readonly startedAt = new Date();
  readonly done: Promise<CopyResult>;
  settle!: (r: CopyResult) => void;
  constructor(readonly chunk: ChunkAttempt['chunk']) { this.done = new Promise((r) => { this.settle = r; }); }
  progress(): { bytesCopied: number; filesCopied: number } { return { bytesCopied: 0, filesCopied: 0 }; }
  onProgress(): () => void { return () => undefined; }
  async kill(): Promise<void> { this.settle(taken()); await this.done; }
}

function taken(): CopyResult {
  return { exitCode: -1, exitMeaning: { severity: 'Error', shouldRetry: true, message: 'taken back' }, stats: emptyStats(), errors: [], durationMs: 0, killed: true };
}

/** Every attempt waits in a remote queue; withdrawWaiting takes back the newest `most` (all when absent). */
class QueueLikeDispatcher implements ChunkDispatcher {
  readonly waiting: WaitingJob[] = [];
  start(a: ChunkAttempt): CopyJob {
    const j = new WaitingJob(a.chunk);
    this.waiting.push(j);
    return j;
  }
  withdrawWaiting(withdrawn: (job: CopyJob) => void, most = Infinity): void {
    for (const j of this.waiting.splice(Math.max(0, this.waiting.length - most)).reverse()) { withdrawn(j); j.settle(taken()); }
  }
}

describe('chunk dispatcher seam', () => {
  let orch: Orchestrator | undefined;
  afterEach(async () => { await orch?.stopAllJobs(); orch = undefined; });

  function make(dispatcher: ChunkDispatcher, copier: SimulatedCopier): Orchestrator {
    return new Orchestrator({
      bus: new EventBus('sess-1'), scanner: unusedScanner, chunker: unusedChunker, copierFor: () => copier,
      logger: pino({ level: 'silent' }), guardChunkRoots: false, dispatcher,
    });
  }

  it('hands every attempt to the dispatcher with its session, profile, chunk, attempt number and options', () => {
    const copier = new SimulatedCopier({ script: { '*': { durationMs: 60_000 } } });
    const d = new RecordingDispatcher(new InProcessDispatcher(() => copier));
    orch = make(d, copier);
    const profile = makeProfile('p');
    const chunks = makeChunks('p', 3);
    orch.initQueue(profile, chunks);
    orch.setMaxConcurrentJobs(2);
    expect(d.attempts.map((a) => a.chunk.id)).to.deep.equal(chunks.slice(0, 2).map((c) => c.id));
    for (const a of d.attempts) {
      expect(a.sessionId).to.equal('sess-1');
      expect(a.profile.name).to.equal('p');
      expect(a.attempt).to.equal(1);
      expect(a.options.mirror).to.equal(profile.mirror);
      expect(a.roots).to.equal(undefined);
    }
  });

  it('a dispatcher that throws makes a failed attempt, retried as attempt 2', async () => {
    const copier = new SimulatedCopier({ script: { '*': { durationMs: 60_000 } } });
    const d = new RecordingDispatcher(new InProcessDispatcher(() => copier));
    d.failFirst = 1;
    orch = make(d, copier);
    const profile = { ...makeProfile('p'), retry: { ...makeProfile('p').retry, maxAttempts: 3 } };
    orch.initQueue(profile, makeChunks('p', 1));
    orch.setMaxConcurrentJobs(1);
    for (let i = 0; i < 200 && d.attempts.length < 2; i++) { await new Promise((r) => setTimeout(r, 10)); orch.tick(); }
    expect(d.attempts.map((a) => a.attempt)).to.deep.equal([1, 2]);
    expect(orch.state.activeJobs.size).to.equal(1);
  });

  describe('attempts taken back before they began (a remote queue)', () => {
    const settle = async (o: Orchestrator): Promise<void> => { for (let i = 0; i < 5; i++) { await new Promise((r) => setTimeout(r, 5)); o.tick(); } };

    it('a drain takes every waiting attempt back: the chunks are queued again, not failed, not retried, and nothing starts', async () => {
      const d = new QueueLikeDispatcher();
      const events: RunEvent[] = [];
      const bus = new EventBus('sess-1');
      bus.subscribe((e) => { events.push(e); });
      orch = new Orchestrator({
        bus, scanner: unusedScanner, chunker: unusedChunker, copierFor: () => new SimulatedCopier({ script: {} }),
        logger: pino({ level: 'silent' }), guardChunkRoots: false, dispatcher: d,
      });
      const chunks = makeChunks('p', 5);
      orch.initQueue(makeProfile('p'), chunks);
      orch.setMaxConcurrentJobs(3);
      expect(orch.state.activeJobs.size).to.equal(3);
      orch.requestDrain('test');
      await settle(orch);
      expect(orch.state.activeJobs.size).to.equal(0);
      expect(orch.queue.size).to.equal(5);
      expect(orch.state.failedChunks).to.deep.equal([]);
      expect(orch.state.completedChunks).to.deep.equal([]);
      expect(events.filter((e) => e.type === 'ChunkRetry' || e.type === 'ChunkComplete' || e.type === 'ChunkError')).to.deep.equal([]);
      expect(d.waiting).to.deep.equal([]);
    });

    it('a lower job cap takes back the waiting attempts over it; they run first once the cap allows', async () => {
      const d = new QueueLikeDispatcher();
      orch = new Orchestrator({
        bus: new EventBus('sess-1'), scanner: unusedScanner, chunker: unusedChunker, copierFor: () => new SimulatedCopier({ script: {} }),
        logger: pino({ level: 'silent' }), guardChunkRoots: false, dispatcher: d,
      });
      const chunks = makeChunks('p', 5);
      orch.initQueue(makeProfile('p'), chunks);
      orch.setMaxConcurrentJobs(4);
      orch.setMaxConcurrentJobs(1);
      await settle(orch);
      expect(orch.state.activeJobs.size).to.equal(1);
      expect([...orch.state.activeJobs.values()].map((a) => a.chunk.id)).to.deep.equal([chunks[0].id]);
      expect(orch.queue.size).to.equal(4);
      expect(orch.state.failedChunks).to.deep.equal([]);
    });

    it('a stop right after a drain does not book the attempts the drain took back as killed: they never ran', async () => {
      const d = new QueueLikeDispatcher();
      const withdrawn: string[] = [];
      const booked: string[] = [];
      const journal = Object.assign(new NullJournal(), {
        chunkWithdrawn: (_p: string, c: { id: string }) => { withdrawn.push(c.id); },
        attemptFinished: (_p: string, c: { id: string }) => { booked.push(c.id); },
      });
      orch = new Orchestrator({
        bus: new EventBus('sess-1'), scanner: unusedScanner, chunker: unusedChunker, copierFor: () => new SimulatedCopier({ script: {} }),
        logger: pino({ level: 'silent' }), guardChunkRoots: false, dispatcher: d, journal,
      });
      const chunks = makeChunks('p', 3);
      orch.initQueue(makeProfile('p'), chunks);
      orch.setMaxConcurrentJobs(2);
      orch.requestDrain('test');
      orch.requestStop('test');
      await orch.stopAllJobs();
      expect(withdrawn.sort()).to.deep.equal(chunks.slice(0, 2).map((c) => c.id).sort());
      expect(booked).to.deep.equal([]);
    });
  });
});
