import type { OverallFigures } from './overall-progress';
import type { OrchestrationState, OrchestrationStatus } from './types';

/** What the status needs besides the state itself. */
export interface StatusInputs {
  now: number;
  queued: number;
  /** Bytes processed and planned in the profiles that already ended. */
  doneProfilesBytes: number;
  doneProfilesTotal: number;
  bytesPerSecond?: number;
  /** Seconds for `bytes` at the recent throughput (undefined until it is known). */
  etaFor(bytes: number): number | undefined;
  /** Bytes of the profiles still to come, as of their last run; undefined when any is unknown. */
  laterProfilesBytes?: number;
  /** The overall figures with the later profiles' estimates (overall-progress.ts); without them, scanned profiles only. */
  overall?: OverallFigures;
}

const percent = (part: number, whole: number): number => Math.min(100, Math.round((part / whole) * 1000) / 10);

/** One consistent picture of a run for bars, JSON lines and `status`. Pure. */
export function buildStatus(s: OrchestrationState, x: StatusInputs): OrchestrationStatus {
  const overallDone = x.overall?.bytesComplete ?? x.doneProfilesBytes + s.bytesComplete;
  const overallTotal = x.overall?.bytesTotal ?? x.doneProfilesTotal + s.totalBytes;
  const remaining = s.totalBytes - s.bytesComplete;
  const idleAndEmpty = s.phase === 'Replicating' && x.queued === 0 && s.activeJobs.size === 0;
  return {
    sessionId: s.sessionId, phase: s.phase, currentProfile: s.currentProfile?.name,
    profileIndex: s.profileIndex, profileCount: s.profiles.length,
    profileProgress: s.totalBytes > 0 ? percent(s.bytesComplete, s.totalBytes) : idleAndEmpty ? 100 : 0,
    overallProgress: x.overall?.percent ?? (overallTotal > 0 ? percent(overallDone, overallTotal) : 0),
    overallTotalEstimated: x.overall?.estimated ?? false,
    chunksComplete: s.completedCount, chunksTotal: s.totalChunks, chunksFailed: s.failedChunks.length,
    bytesComplete: s.bytesComplete, bytesTotal: s.totalBytes,
    filesComplete: s.filesComplete, filesTotal: s.totalFiles,
    overallBytesComplete: overallDone, overallBytesTotal: overallTotal,
    bytesPerSecond: x.bytesPerSecond,
    elapsedMs: s.startTime !== undefined ? x.now - s.startTime : 0,
    // Suspended: no honest ETA exists until the jobs move again.
    etaSeconds: s.suspended ? undefined : x.etaFor(remaining),
    overallEtaSeconds: s.suspended || x.laterProfilesBytes === undefined ? undefined : x.etaFor(remaining + x.laterProfilesBytes),
    activeCount: s.activeJobs.size, queuedCount: x.queued,
    paused: s.pauseRequested, suspended: s.suspended,
    active: [...s.activeJobs.values()].map((a) => ({
      chunkId: a.chunk.id, relPath: a.chunk.relPath, bytesCopied: a.job.progress().bytesCopied,
      estimatedBytes: a.chunk.estimatedBytes, attempt: a.attempt,
    })),
  };
}
