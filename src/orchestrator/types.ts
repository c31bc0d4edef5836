import type { Chunk, CopyJob, CopyResult, DirTree, ProfileResult, ProfileSummary, SnapshotInfo } from '../api';
import type { ProfileConfig } from '../config/types';
import type { DeletionReport } from './safety-rails';
import type { FileReport } from '../files-log/file-report';
import type { FailedFile, FailedFileCollector } from './file-retry';

export type Phase = 'Idle' | 'Snapshot' | 'Scanning' | 'Replicating' | 'Complete' | 'Stopped' | 'Failed';

/** Status of a chunk within the current run. */
export type ChunkStatus = 'Pending' | 'Running' | 'Complete' | 'CompleteWithWarnings' | 'Failed' | 'Skipped';

/** A job the orchestrator started, with what it needs to finish it. */
export interface ActiveJob {
  id: number;
  job: CopyJob;
  chunk: Chunk;
  retryCount: number;
  attempt: number;
  startedAt: number;
  logPath?: string;
  /** This attempt copies only these files (a file-only retry, file-retry.ts). */
  onlyFiles?: string[];
  /** The files this attempt fails, as its engine reports them. */
  failedFiles?: FailedFileCollector;
}

/** A finished chunk (complete, with warnings, or failed for good). */
export interface FinishedChunk {
  chunk: Chunk;
  status: ChunkStatus;
  result?: CopyResult;
  retryCount: number;
  /** Files its last attempt failed (failed chunks, and chunks that are warnings because of them). */
  failedFiles?: FailedFile[];
}

/** The spec's OrchestrationState, in TypeScript form. */
export interface OrchestrationState {
  sessionId: string;
  phase: Phase;
  currentProfile?: ProfileConfig;
  profiles: ProfileConfig[];
  profileIndex: number;
  activeJobs: Map<number, ActiveJob>;
  completedChunks: FinishedChunk[];
  failedChunks: FinishedChunk[];
  /** Chunks skipped because an earlier, unfinished run completed them. */
  skippedChunks: Chunk[];
  totalChunks: number;
  completedCount: number;
  totalBytes: number;
  bytesComplete: number;
  /** Estimated files of the current profile's plan, and of them those processed (live, monotonic). */
  totalFiles: number;
  filesComplete: number;
  startTime?: number;
  profileStartTime?: number;
  stopRequested: boolean;
  drainRequested: boolean;
  pauseRequested: boolean;
  suspended: boolean;
  snapshot?: SnapshotInfo;
  tree?: DirTree;
}

/** What getStatus() returns: one consistent picture for bars, JSON lines and `status`. */
export interface OrchestrationStatus {
  sessionId: string;
  phase: Phase;
  currentProfile?: string;
  profileIndex: number;
  profileCount: number;
  /** Percent of the current profile's bytes processed (0-100). */
  profileProgress: number;
  /**
   * Percent of the bytes of all profiles (0-100), the profiles not yet scanned counted with their
   * estimated size; never falls during a run (overall-progress.ts).
   */
  overallProgress: number;
  /** True while overallBytesTotal includes estimates (profiles not yet scanned). */
  overallTotalEstimated?: boolean;
  chunksComplete: number;
  chunksTotal: number;
  chunksFailed: number;
  bytesComplete: number;
  bytesTotal: number;
  /** Files of the current profile processed (finished chunks' estimates plus live counts) and planned. */
  filesComplete: number;
  filesTotal: number;
  overallBytesComplete: number;
  overallBytesTotal: number;
  bytesPerSecond?: number;
  elapsedMs: number;
  /** Seconds left in the current profile; undefined until the throughput is known. */
  etaSeconds?: number;
  /**
   * Seconds left for the whole run: the current profile plus the later ones, sized by their last
   * run (undefined while any later profile's size is unknown, or the throughput is).
   */
  overallEtaSeconds?: number;
  /**
   * Seconds left in the current profile as learnt from its past chunk durations (src/eta), paced
   * by this run's chunks so far; known before any live throughput, undefined without history.
   */
  learnedEtaSeconds?: number;
  /** The estimate to show first: the learnt one, weighted toward the live one as the run goes. */
  bestEtaSeconds?: number;
  activeCount: number;
  queuedCount: number;
  paused: boolean;
  suspended: boolean;
  active: { chunkId: string; relPath: string; bytesCopied: number; estimatedBytes: number; attempt: number }[];
}

export interface RunCallbacks {
  onProgress?: (status: OrchestrationStatus) => void;
  onChunkComplete?: (job: ActiveJob, result: CopyResult) => void;
  onProfileComplete?: (summary: ProfileSummary) => void;
  /** Every destination entry deleted (or, in a dry run, that would be), as it happens. */
  onDeletion?: (deletion: DeletionReport) => void;
  /** Every file copied, skipped on purpose or failed (or, in a dry run, that would be copied), as engines report them. */
  onFileAction?: (report: FileReport) => void;
}

export interface RunOptions extends RunCallbacks {
  maxConcurrentJobs?: number;
  dryRun?: boolean;
  /** Resume unfinished runs from the journal (default true). */
  resume?: boolean;
  /** Per profile: run only these chunk ids (retry-failed); other chunks are left alone. */
  onlyChunks?: Map<string, Set<string>>;
  /** How often the timer tick refreshes progress and releases retries (ms). */
  tickIntervalMs?: number;
  /** Turn the mirror safety rails off for this run (empty or moved source, maxDeletes): `--allow-mass-delete`. */
  allowMassDelete?: boolean;
}

export interface RunSummary {
  sessionId: string;
  outcome: 'Success' | 'Warning' | 'Failed' | 'Stopped' | 'Error';
  profiles: ProfileSummary[];
  durationMs: number;
  /** Nothing was written: the counts say what would have been copied and removed. */
  dryRun: boolean;
}

export type { ProfileResult };
