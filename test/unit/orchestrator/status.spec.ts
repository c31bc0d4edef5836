import { expect } from 'chai';
import { buildStatus, type StatusInputs } from '../../../src/orchestrator/status';
import type { OrchestrationState } from '../../../src/orchestrator/types';
import { makeProfile } from '../../helpers/profiles';

function state(o: Partial<OrchestrationState> = {}): OrchestrationState {
  return {
    sessionId: 's', phase: 'Replicating', profiles: [makeProfile('a'), makeProfile('b')], profileIndex: 0, currentProfile: makeProfile('a'),
    activeJobs: new Map(), completedChunks: [], failedChunks: [], skippedChunks: [], totalChunks: 4, completedCount: 1,
    totalBytes: 1000, bytesComplete: 250, totalFiles: 10, filesComplete: 2, startTime: 0, stopRequested: false, drainRequested: false, pauseRequested: false, suspended: false, ...o,
  };
}
const inputs = (o: Partial<StatusInputs> = {}): StatusInputs => ({
  now: 10_000, queued: 3, doneProfilesBytes: 0, doneProfilesTotal: 0, bytesPerSecond: 50, etaFor: (b) => b / 50, ...o,
});

describe('buildStatus', () => {
  it('reports percentages, elapsed time and ETAs from the inputs', () => {
    const st = buildStatus(state(), inputs({ laterProfilesBytes: 500 }));
    expect(st).to.include({ profileProgress: 25, overallProgress: 25, elapsedMs: 10_000, etaSeconds: 15, overallEtaSeconds: 25, queuedCount: 3 });
  });

  it('has no ETA while suspended, and no overall ETA while a later profile is of unknown size', () => {
    expect(buildStatus(state({ suspended: true }), inputs({ laterProfilesBytes: 500 }))).to.include({ etaSeconds: undefined, overallEtaSeconds: undefined });
    expect(buildStatus(state(), inputs({ laterProfilesBytes: undefined })).overallEtaSeconds).to.equal(undefined);
  });

  it('counts finished profiles in the overall figures; an empty profile with nothing left is 100%', () => {
    const st = buildStatus(state({ totalBytes: 0, bytesComplete: 0 }), inputs({ queued: 0, doneProfilesBytes: 300, doneProfilesTotal: 300 }));
    expect(st).to.include({ profileProgress: 100, overallProgress: 100, overallBytesComplete: 300 });
  });
});
