import { expect } from 'chai';
import pino from 'pino';
import type { Chunker, CopyJob, CopyResult, Scanner } from '../../../src/api';
import { SimulatedCopier } from '../../../src/engines/simulated';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { Orchestrator } from '../../../src/orchestrator/orchestrator';
import { InProcessDispatcher, type ChunkAttempt, type ChunkDispatcher } from '../../../src/orchestrator/chunk-dispatcher';
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
});
