import type { ChunkKind, ProfileResult, SessionOutcome, Severity } from '../api';

/**
 * Where a chunk stands in one profile run.
 * `Skipped` means "done by an earlier run this one resumed from": the row carries the original
 * result (exit code, severity, counters) and `carriedFrom` names the profile run that copied it.
 */
export type ChunkStatus = 'Pending' | 'Running' | 'Complete' | 'CompleteWithWarnings' | 'Failed' | 'Skipped';

/** Statuses that count as "this chunk's data is at the destination". */
export const DONE_STATUSES: readonly ChunkStatus[] = ['Complete', 'CompleteWithWarnings', 'Skipped'];

/** Commands other processes may send to a running orchestrator. */
export type ControlCommand = 'pause' | 'suspend' | 'resume' | 'drain' | 'stop' | 'set-bandwidth' | 'set-concurrency'
  | 'retry-chunk' | 'skip-chunk';

/** Every accepted command name (validation of `enqueueCommand`). */
export const CONTROL_COMMANDS: readonly ControlCommand[] = ['pause', 'suspend', 'resume', 'drain', 'stop', 'set-bandwidth', 'set-concurrency', 'retry-chunk', 'skip-chunk'];

/** Commands whose argument is a chunk id. */
export const CHUNK_COMMANDS: readonly ControlCommand[] = ['retry-chunk', 'skip-chunk'];

/** What a chunk id looks like (src/chunk/chunk-id.ts: 16 hex digits; a little wider for other planners). */
export const CHUNK_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Which process wrote a row; enough to tell later whether that process is still alive. */
export interface ProcessOwner {
  pid: number;
  host: string;
  /** Start identity of the process (see process-identity.ts); null where it cannot be read. */
  identity: string | null;
}

export interface BeginRunInput {
  sessionId: string;
  /** Hash of the whole validated config (for `history`: "same config as last time?"). */
  configHash: string;
  configPath: string;
  dryRun: boolean;
  /** The session's log folder (global.logDir), for `robocurse log show`. */
  logDir?: string;
}

export interface RunRecord extends ProcessOwner {
  sessionId: string;
  configHash: string;
  configPath: string;
  startedAt: string;
  endedAt: string | null;
  outcome: SessionOutcome | null;
  exitCode: number | null;
  dryRun: boolean;
  /** The session's log folder; null for sessions recorded before it was kept. */
  logDir: string | null;
}

export interface BeginProfileRunOptions {
  /** Skip chunks completed by an unfinished earlier run of this profile (see resume rule). */
  resume: boolean;
}

export interface BeginProfileRunResult {
  profileRunId: number;
  /** Chunk ids already done by earlier runs: do not copy them again. */
  completedChunkIds: Set<string>;
  /** The profile run this one resumed from, when it did. */
  resumedFrom?: number;
  /** Why the previous run was not resumed (for the log), when `resume` was asked but refused. */
  notResumedBecause?: string;
}

export interface ProfileRunRecord {
  id: number;
  sessionId: string;
  profile: string;
  fingerprint: string;
  startedAt: string;
  endedAt: string | null;
  result: ProfileResult | null;
  chunksTotal: number;
  bytesTotal: number;
  filesTotal: number;
  bytesCopied: number;
  filesCopied: number;
  resumedFrom: number | null;
  /** Why the profile could not run or was refused (mirror safety rails), when it was. */
  error: string | null;
  /** Destination entries the run removed (mirror), as the summary counted them. */
  extrasRemoved: number;
  /** Files found up to date (not copied), over the chunks this run copied. */
  filesSkipped: number;
}

/** The outcome of a chunk attempt the engine reported as a success (Success or Warning). */
export interface ChunkSuccess {
  exitCode: number;
  severity: Severity;
  filesCopied: number;
  bytesCopied: number;
  durationMs: number;
  /** Engine's message, kept for warnings. */
  message?: string;
  /** The last attempt's own counts, for the learnt durations (default: filesCopied / bytesCopied). */
  attemptFilesCopied?: number;
  attemptBytesCopied?: number;
  /** The engine that copied it (the learnt ETA is per engine). */
  engine?: string;
}

/** The outcome of a chunk attempt that failed (Error or Fatal, or killed). */
export interface ChunkFailure {
  exitCode: number;
  severity: Severity;
  message: string;
  durationMs?: number;
  filesCopied?: number;
  bytesCopied?: number;
}

export interface ChunkRecord {
  profileRunId: number;
  chunkId: string;
  kind: ChunkKind;
  relPath: string;
  source: string;
  destination: string;
  estimatedFiles: number;
  estimatedBytes: number;
  status: ChunkStatus;
  attempts: number;
  exitCode: number | null;
  severity: Severity | null;
  filesCopied: number;
  bytesCopied: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  lastError: string | null;
  /** For `Skipped` rows: the profile run that actually copied the chunk. */
  carriedFrom: number | null;
  /** What the destination looked like when the chunk completed (resume check), JSON; null when unknown. */
  destProbe: string | null;
  /** The engine log of the latest attempt, as the run recorded it (null: none recorded). */
  logPath: string | null;
}

/** Whom a command is for: one session, or whichever session runs that profile. */
export type CommandTarget = { sessionId: string; profile?: undefined } | { profile: string; sessionId?: undefined };

export interface StoredCommand {
  id: number;
  sessionId: string | null;
  profile: string | null;
  command: ControlCommand;
  argument: string | null;
  createdAt: string;
  appliedAt: string | null;
  /** What the orchestrator made of it ('applied', or why it was rejected). */
  outcome: string | null;
}

export interface SnapshotRecord {
  id: number;
  sessionId: string;
  profile: string;
  provider: string;
  snapshotId: string;
  sourcePath: string;
  snapshotPath: string;
  createdAt: string;
  deletedAt: string | null;
  /** Kept on purpose (retention): never an orphan. */
  persistent: boolean;
}

/** Learnt durations for ETA and scheduling (largest / slowest first). */
export interface ChunkDurationStats {
  profile: string;
  /** Over all kept history rows of the profile. */
  samples: number;
  bytes: number;
  files: number;
  durationMs: number;
  /** 0 when there is no usable sample. */
  bytesPerSecond: number;
  filesPerSecond: number;
  byChunk: Map<string, { samples: number; meanDurationMs: number; lastDurationMs: number; lastBytes: number; lastFiles: number }>;
}

/**
 * The file system a profile's source was on at its last successful real run (mirror safety:
 * a source that moved to another file system is a mount that is gone, not an empty share).
 */
export interface SourceDeviceRecord {
  profile: string;
  /** The source path as configured then; a record for another path says nothing. */
  source: string;
  /** st_dev as "major:minor" (POSIX) or the volume serial number (Windows). */
  device: string;
  /** From /proc/self/mountinfo where there is one; null elsewhere. */
  fsType: string | null;
  mountPoint: string | null;
  mountSource: string | null;
  sessionId: string;
  recordedAt: string;
}

/** How a profile run ended, beyond its result: stored for `history`. */
export interface ProfileRunEnd {
  error?: string;
  extrasRemoved?: number;
}

/** One attempt of a chunk as the run reports it, with the chunk's totals after it. */
export interface AttemptInput {
  attempt: number;
  /** ISO 8601. */
  startedAt?: string;
  /** ISO 8601; default now. */
  finishedAt?: string;
  durationMs: number;
  exitCode: number;
  severity: Severity;
  killed: boolean;
  message?: string;
  /** This attempt's own counts. */
  stats: { filesCopied: number; bytesCopied: number; filesSkipped: number; bytesSkipped: number; filesFailed: number; extrasRemoved: number };
  /** The chunk's counts over all its attempts so far (src/report/chunk-totals.ts). */
  totals: { filesCopied: number; bytesCopied: number; filesSkipped: number };
  /** The attempt copied only this many files (a retry of the files the previous attempt failed). */
  onlyFiles?: number;
}

/** A stored attempt (`chunk_attempts`). */
export interface AttemptRecordRow {
  chunkId: string;
  attempt: number;
  startedAt: string | null;
  finishedAt: string;
  durationMs: number | null;
  exitCode: number | null;
  severity: string | null;
  killed: boolean;
  filesCopied: number;
  bytesCopied: number;
  filesSkipped: number;
  bytesSkipped: number;
  filesFailed: number;
  extrasRemoved: number;
  message: string | null;
  /** A file-only attempt: how many files it was limited to. */
  onlyFiles?: number;
}
