import type { ChunkKind } from './chunk';
import type { Severity } from './copier';

/** How a profile ended. */
export type ProfileResult = 'Success' | 'Warning' | 'Failed' | 'Stopped';

/** How a whole session ended. */
export type SessionOutcome = 'Success' | 'Warning' | 'Failed' | 'Stopped' | 'Error';

/** A chunk that failed for good, as reported at the end of a profile. */
export interface FailedChunkSummary {
  chunkId: string;
  source: string;
  exitCode: number;
  retryCount: number;
  message: string;
  /** Up to a few per-file errors from the last attempt. */
  errors: { path: string; code: string; message: string }[];
}

/**
 * A file still failing after its chunk's last attempt (a locked or unreadable file), as reported
 * at the end of a profile. Names read as \xNN where they are not UTF-8 (byte-names.ts).
 */
export interface FailedFileSummary {
  chunkId: string;
  /** Relative to the profile's source root, '/'-separated. */
  path: string;
  /** The engine's reason, `CODE: message`. */
  error: string;
  /** `Warning` when the profile's failedFilesSeverity is "warning" and files were the chunk's only problem. */
  severity: 'Error' | 'Warning';
}

/** Per-profile totals, as sent at ProfileComplete and repeated in SessionEnd. */
export interface ProfileSummary {
  profile: string;
  result: ProfileResult;
  chunksTotal: number;
  chunksOk: number;
  chunksWarning: number;
  chunksFailed: number;
  /** Chunks skipped because a previous run already completed them (resume). */
  chunksSkipped: number;
  filesCopied: number;
  bytesCopied: number;
  /** Files already up to date in the destination (not copied again). */
  filesSkipped: number;
  /** Destination entries removed because the source no longer has them (mirror). */
  extrasRemoved: number;
  bytesTotal: number;
  durationMs: number;
  failedChunks: FailedChunkSummary[];
  /**
   * Files still failing after their chunk's last attempt: the first 20 (of failed chunks and of
   * chunks that ended CompleteWithWarnings because of them); `failedFilesTotal` counts them all.
   * Every one is a FileFailed event and a row of the state database (`history --failed-files`).
   */
  failedFiles?: FailedFileSummary[];
  failedFilesTotal?: number;
  /** Chunks that ended CompleteWithWarnings, with their engine's message (the first 20; chunksWarning counts them all). */
  warningChunks?: { chunkId: string; source: string; exitCode: number; message: string }[];
  /** Why the profile could not run at all (snapshot, scan root, engine start), when it could not. */
  error?: string;
  /**
   * Why a mirror safety rail stopped the profile before it deleted (more): an empty source, a
   * source on another file system than last time, the final pass's maxDeletes. Result Failed.
   */
  refused?: string;
  /**
   * What the replica lacks that the profile asked for (the first 20; result Warning): a
   * `preserve` key the engine or destination cannot keep though the profile set it, hard-linked
   * names left as separate copies, split directories whose owner, mode or attributes could not be
   * set. The log has each in full.
   */
  replicaProblems?: string[];
  /**
   * Why the circuit breaker stopped the profile: `circuitBreaker.consecutiveFailures` chunks in a
   * row failed after all their attempts (a destination that went away). Result Failed; the chunks
   * not attempted are left for the next run.
   */
  circuitBreaker?: string;
  /** Problems the scan recorded (unreadable directories, vanished entries). */
  scanErrors: number;
  /** What the profile's `verify` checked and found, when it was on. */
  verify?: VerifySummary;
}

/**
 * What a verification found about one file: `changed-in-source` is a source file that changed
 * after it was copied (or while it was checked): reported, never counted as corruption.
 */
export type VerifyFindingKind = 'missing' | 'type' | 'size' | 'mtime' | 'mode' | 'content' | 'unreadable' | 'changed-in-source';

/** Payload of a VerifyMismatch event: one file whose destination does not match its source. */
export interface VerifyMismatchPayload {
  profile: string;
  chunkId: string;
  /** Relative to the profile's source root, '/'-separated. */
  path: string;
  source: string;
  destination: string;
  kind: VerifyFindingKind;
  /** For people: what differs ("size 10 in the source, 9 in the destination"). */
  detail: string;
}

/** A profile's verification totals (ProfileSummary.verify). */
export interface VerifySummary {
  mode: 'meta' | 'sample' | 'full';
  filesChecked: number;
  filesHashed: number;
  bytesHashed: number;
  /** Files whose destination does not match (changed-in-source not included). */
  mismatches: number;
  changedInSource: number;
  /** The first findings (at most 100), mismatches before changed-in-source. */
  listed: Omit<VerifyMismatchPayload, 'profile' | 'source' | 'destination'>[];
}

/** Payload of each run event, by event type. */
export interface RunEventPayloads {
  SessionStart: { profiles: string[]; host: string; user: string; version: string; dryRun: boolean; maxConcurrentJobs: number };
  ProfileStart: { profile: string; index: number; source: string; destination: string; engine: string; mirror: boolean };
  ScanComplete: { profile: string; root: string; dirs: number; files: number; bytes: number; errors: number; skippedLinks: number; chunks: number; durationMs: number };
  ChunkStart: { profile: string; chunkId: string; kind: ChunkKind; source: string; destination: string; estimatedFiles: number; estimatedBytes: number; attempt: number; /** Rate fixed for this job (bytes/s) when a budget applies and the engine takes one per job; absent = none of its own. */ bandwidthBytesPerSec?: number; /** A retry of only the files the previous attempt failed: how many. */ onlyFiles?: number };
  ChunkProgress: { profile: string; chunkId: string; bytesCopied: number; filesCopied: number };
  /**
   * One attempt ended. filesCopied / bytesCopied are this attempt's own (summing every
   * ChunkComplete of a session gives its totals); `attempt` is 1-based.
   */
  ChunkComplete: { profile: string; chunkId: string; source: string; destination: string; exitCode: number; severity: Severity; filesCopied: number; bytesCopied: number; durationMs: number; message: string; attempt?: number };
  /** `onlyFiles`: the next attempt copies only this many files, the ones this attempt failed (absent: the whole chunk). */
  ChunkRetry: { profile: string; chunkId: string; source: string; retryCount: number; exitCode: number; message: string; backoffMs: number; onlyFiles?: number };
  ChunkError: { profile: string; chunkId: string; source: string; retryCount: number; exitCode: number; message: string };
  ProfileComplete: ProfileSummary;
  Paused: { suspend: boolean; activeJobs: number };
  Resumed: { activeJobs: number; pausedMs: number };
  StopRequested: { mode: 'stop' | 'drain'; reason: string };
  Stopped: { queuedChunks: number; killedJobs: number };
  SnapshotCreated: { profile: string; provider: string; snapshotId: string; sourcePath: string; snapshotPath: string };
  SnapshotDeleted: { profile: string; provider: string; snapshotId: string };
  /** Something went wrong that does not stop the run (a snapshot that could not be made with required: false, ...). */
  Warning: { profile?: string; code: string; message: string };
  /** A control command was applied (from a signal, a key, the CLI of another process, a dashboard). */
  CommandApplied: {
    command: 'pause' | 'suspend' | 'resume' | 'drain' | 'stop' | 'set-bandwidth' | 'set-concurrency' | 'retry-chunk' | 'skip-chunk';
    argument?: number;
    /** The chunk a retry-chunk or skip-chunk was for. */
    chunkId?: string;
    source: string;
  };
  SessionEnd: { outcome: SessionOutcome; exitCode: number; durationMs: number; filesCopied: number; bytesCopied: number; chunksFailed: number; profiles: ProfileSummary[] };
  /** A chunk's verification found a file whose copy does not match its source (or that changed in the source). */
  VerifyMismatch: VerifyMismatchPayload;
  /**
   * One file still failing after its chunk's last attempt, one event per file (a SIEM record
   * stays small however many fail). `attempts` is the chunk's attempt count; `severity` Warning
   * when the profile's failedFilesSeverity is "warning" and the chunk ended CompleteWithWarnings.
   */
  FileFailed: { profile: string; chunkId: string; path: string; source: string; error: string; attempts: number; severity: 'Error' | 'Warning' };
}

/** The closed set of event type names. */
export type RunEventType = keyof RunEventPayloads;

/** Every event type, in the order a run can emit them; useful for exhaustive checks. */
export const RUN_EVENT_TYPES: readonly RunEventType[] = [
  'SessionStart', 'ProfileStart', 'ScanComplete', 'ChunkStart', 'ChunkProgress', 'VerifyMismatch', 'ChunkComplete',
  'ChunkRetry', 'FileFailed', 'ChunkError', 'ProfileComplete', 'Paused', 'Resumed', 'StopRequested', 'Stopped',
  'SnapshotCreated', 'SnapshotDeleted', 'Warning', 'CommandApplied', 'SessionEnd',
];

/**
 * One run event. `seq` increases by one per event within a session, so consumers can check
 * order and completeness; `timestamp` is ISO 8601 with offset.
 */
export type RunEvent<T extends RunEventType = RunEventType> = {
  [K in T]: { type: K; sessionId: string; seq: number; timestamp: string; data: RunEventPayloads[K] };
}[T];

/** Event severity for SIEM and log routing (not the same as a copy's Severity). */
export type EventLevel = 'info' | 'warning' | 'error';

/** The level each event type is reported at; ChunkComplete/ProfileComplete/SessionEnd depend on data. */
export function eventLevel(event: RunEvent): EventLevel {
  switch (event.type) {
    case 'ChunkError': return 'error';
    case 'ChunkRetry': case 'StopRequested': case 'Stopped': case 'Warning': return 'warning';
    case 'VerifyMismatch': return event.data.kind === 'changed-in-source' ? 'warning' : 'error';
    case 'FileFailed': return event.data.severity === 'Warning' ? 'warning' : 'error';
    case 'ChunkComplete':
      return event.data.severity === 'Success' ? 'info' : event.data.severity === 'Warning' ? 'warning' : 'error';
    case 'ProfileComplete':
      return event.data.result === 'Success' ? 'info' : event.data.result === 'Failed' ? 'error' : 'warning';
    case 'SessionEnd':
      return event.data.outcome === 'Success' ? 'info' : event.data.outcome === 'Warning' || event.data.outcome === 'Stopped' ? 'warning' : 'error';
    default: return 'info';
  }
}
