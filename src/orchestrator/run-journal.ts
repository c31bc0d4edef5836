import type { Chunk, CopyResult, ProfileSummary, RunEvent } from '../api';
import type { ProfileConfig } from '../config/types';
import type { SourceDevice } from './source-device';
import type { ChunkTotals } from '../report/chunk-totals';
import type { FailedFile } from './file-retry';

/** One finished (or killed) attempt of a chunk, with the chunk's totals after it. */
export interface AttemptRecord {
  attempt: number;
  /** Epoch ms. */
  startedAt: number;
  result: CopyResult;
  totals: ChunkTotals;
  /** A file-only attempt: how many files it was limited to. */
  onlyFiles?: number;
}

/**
 * Where the orchestrator checkpoints a run (the SQLite state store in production). Every method
 * is synchronous because a checkpoint must be written before the next step is taken.
 */
export interface RunJournal {
  beginRun(info: { sessionId: string; profiles: string[]; dryRun: boolean }): void;
  /** Records the profile's chunks; returns the ids an unfinished earlier run already completed. */
  beginProfile(profile: ProfileConfig, chunks: Chunk[], opts: { resume: boolean; dryRun: boolean }): { completedChunkIds: Set<string>; resumedFrom?: string };
  /** `logPath`: the engine log this attempt writes, when it writes one. */
  chunkStarted(profile: string, chunk: Chunk, attempt: number, logPath?: string): void;
  /**
   * `totals`: the chunk's counts over all its attempts in this run (undefined: it never ran);
   * `failedFiles`: every file its last attempt still failed (kept in full: history --failed-files).
   */
  chunkFinished(profile: string, chunk: Chunk, status: 'Complete' | 'CompleteWithWarnings' | 'Failed', result: CopyResult, attempts: number, totals?: ChunkTotals, failedFiles?: readonly FailedFile[]): void;
  /** Every attempt's own counts, also of attempts that are retried or killed. */
  attemptFinished?(profile: string, chunk: Chunk, a: AttemptRecord): void;
  /** Attempt `attempt` was taken back before it began (scale-out: a drain or a lower job cap): the chunk is Pending again. */
  chunkWithdrawn?(profile: string, chunk: Chunk, attempt: number): void;
  endProfile(summary: ProfileSummary): void;
  recordEvent(event: RunEvent): void;
  endRun(info: { outcome: string; exitCode: number }): void;
  /** Bytes the profile had last time, for an overall ETA before its scan; undefined when unknown. */
  expectedBytes?(profile: string): number | undefined;
  /** What each chunk carried as done by this profile run's resume recorded of its destination. */
  destinationProbes?(profile: string): Map<string, string | null>;
  /** Stores what a completed chunk's destination looks like (resume-check.ts). */
  recordDestinationProbe?(profile: string, chunkId: string, probe: string): void;
  /** Chunks carried as done whose destination disagrees: they run again. */
  unskipChunks?(profile: string, chunkIds: string[]): void;
  /** Where the profile's source lived at its last successful real run, if it was at `source`. */
  sourceDevice?(profile: string, source: string): SourceDevice | undefined;
  /** Records where the profile's source lives, after a successful real run. */
  recordSourceDevice?(profile: string, source: string, device: SourceDevice): void;
  /**
   * Called once when the journal can write nothing more (its disk full, an I/O error): the
   * orchestrator stops the run, since what it did from then on could not be resumed. The
   * journal records nothing after that.
   */
  onWriteFailure?: (message: string) => void;
}

/** A journal that remembers nothing: runs without a state directory, and unit tests. */
export class NullJournal implements RunJournal {
  beginRun(): void {}
  beginProfile(): { completedChunkIds: Set<string> } { return { completedChunkIds: new Set() }; }
  chunkStarted(): void {}
  chunkFinished(): void {}
  endProfile(): void {}
  recordEvent(_event: RunEvent): void {}
  endRun(): void {}
}
