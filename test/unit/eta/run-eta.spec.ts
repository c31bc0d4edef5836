import { expect } from 'chai';
import { RunEta } from '../../../src/eta';
import type { OrchestrationState, OrchestrationStatus } from '../../../src/orchestrator/types';
import type { ChunkHistoryRow } from '../../../src/state/chunk-history';
import { makeChunks, makeProfile } from '../../helpers/profiles';

describe('RunEta: the orchestrator hook', () => {
  const profile = makeProfile('p', { engine: 'native' });
  const chunks = makeChunks('p', 4, 1000);
  // Same size, but p-c2 took ten times as long last time (a share of many small files).
  const history: ChunkHistoryRow[] = chunks.map((c, i) => ({ chunkId: c.id, bytes: 1000, files: 10, estBytes: 1000, estFiles: 10, durationMs: i === 2 ? 10_000 : 1000, engine: 'native' }));

  it('orders the queue longest expected first, from the history of the profile and engine', () => {
    const asked: string[] = [];
    const eta = new RunEta((p, e) => { asked.push(`${p}/${e}`); return history; });
    expect(eta.orderChunks(profile, chunks).map((c) => c.id)).to.deep.equal(['p-c2', 'p-c0', 'p-c1', 'p-c3']);
    expect(asked).to.deep.equal(['p/native']);
    expect(new RunEta(() => []).orderChunks(profile, chunks)).to.deep.equal(chunks);
  });

  it('adds the learnt and best estimates to a status before any live throughput, and counts down between computations', () => {
    const eta = new RunEta(() => history);
    eta.orderChunks(profile, chunks);
    const state = {
      phase: 'Replicating', currentProfile: profile, suspended: false, activeJobs: new Map(), completedChunks: [], failedChunks: [], skippedChunks: [],
      totalBytes: 4000, bytesComplete: 0,
    } as unknown as OrchestrationState;
    const status = { etaSeconds: undefined } as OrchestrationStatus;
    const a = eta.annotate(status, state, 1_000_000, 1);
    expect(a.learnedEtaSeconds).to.equal(13);
    expect(a.bestEtaSeconds).to.equal(13);
    const b = eta.annotate(status, state, 1_000_600, 1);
    expect(b.learnedEtaSeconds).to.equal(13);
    expect(eta.annotate(status, state, 1_000_900, 2).learnedEtaSeconds).to.equal(13);
    // Recomputed after a second: on two lanes the long chunk alone sets the end.
    expect(eta.annotate(status, state, 1_001_000, 2).learnedEtaSeconds).to.equal(10);
    // Without history the live estimate is the best one.
    const none = new RunEta(() => []);
    none.orderChunks(profile, chunks);
    const live = none.annotate({ etaSeconds: 42 } as OrchestrationStatus, state, 0, 1);
    expect([live.bestEtaSeconds, live.learnedEtaSeconds]).to.deep.equal([42, undefined]);
  });
});
