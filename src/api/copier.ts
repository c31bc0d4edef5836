import type { DigestTable } from './digests';
import type { Chunk } from './chunk';
import type { ChildLedger } from './child-ledger';
import type { Logger } from './logger';
import type { SizeAgeFilter } from './selection';
import type { Preserve, PreserveCapabilities } from './preserve';

/** How bad a finished copy was. Success and Warning count as done; Error and Fatal as failed. */
export type Severity = 'Success' | 'Warning' | 'Error' | 'Fatal';

/**
 * What an engine's exit status means. Engines translate their own codes (robocopy's bitmap,
 * rsync's numbers, the native copier's outcome) into this so the scheduler never parses strings.
 */
export interface ExitMeaning {
  severity: Severity;
  /** True when another attempt could plausibly succeed (transient I/O, network, locks). */
  shouldRetry: boolean;
  /** Human sentence naming every condition the exit status reports. */
  message: string;
}

/** Counters of a finished (or running) copy. Unknown values are 0. */
export interface CopyStats {
  filesCopied: number;
  bytesCopied: number;
  filesSkipped: number;
  bytesSkipped: number;
  filesFailed: number;
  bytesFailed: number;
  /** Entries removed from the destination because they are not in the source (mirror). */
  extrasRemoved: number;
  dirsCreated: number;
}

/** One path that could not be copied. */
export interface FileError {
  path: string;
  /** Node error code (EACCES, ENOSPC, ...) or a Windows error number as a string. */
  code: string;
  message: string;
}

/** The outcome of one job. Always produced, also for kills and failures to start. */
export interface CopyResult {
  /** Engine's exit code; -1 when the process never ran or died by a signal. */
  exitCode: number;
  exitMeaning: ExitMeaning;
  stats: CopyStats;
  errors: FileError[];
  /** Engine log for this job, when the engine writes one. */
  logPath?: string;
  durationMs: number;
  /** True when the job ended because kill() was called. */
  killed: boolean;
}

/** Live counters while a job runs. Monotonic: never decrease within one job. */
export interface CopyProgress {
  bytesCopied: number;
  filesCopied: number;
  /** File being copied now, when the engine knows it. */
  currentFile?: string;
}

/** Optional abilities, declared as data so the scheduler never discovers them by trial. */
export interface CopierCapabilities {
  /** suspend()/resume() freeze and thaw a running job. */
  suspend: boolean;
  /** setBandwidth() changes a running job's limit. */
  liveBandwidth: boolean;
  /**
   * setTotalBandwidth() sets one budget shared by all of the copier's running jobs, changeable
   * while they run; the orchestrator then gives jobs no shares of their own. Absent: the copier
   * has it when it has the method (copiers written before this flag).
   */
  sharedBandwidth?: boolean;
  /** Honours `mirror` (removes extras within the chunk's scope). */
  mirror: boolean;
  /** Honours `dryRun` (writes nothing). */
  dryRun: boolean;
  /** Reports progress while running (otherwise only at the end). */
  liveProgress: boolean;
  /** What of a file besides its data the engine keeps (`CopyOptions.preserve`); absent: data and mtimes only. */
  preserve?: PreserveCapabilities;
  /**
   * Honours `CopyOptions.onlyFiles` (a retry of just the files an attempt failed). Absent or
   * false: the orchestrator retries the whole chunk.
   */
  fileList?: boolean;
  /**
   * Takes `CopyOptions.sourceDigests`: the orchestrator then asks the scan to digest the source's
   * directories (ScanOptions.digest). Absent: no digests are made.
   */
  sourceDigests?: boolean;
}

export interface CopyOptions {
  /** Remove destination entries missing from the source, within the chunk's scope. */
  mirror: boolean;
  /**
   * Copy only these files of the chunk (relative to its source directory, '/'-separated, names
   * as in byte-names.ts): the retry of the files an earlier attempt failed
   * (`capabilities.fileList`). Every other entry of the chunk is left alone; `mirror` is always
   * false with it (the chunk's extras were handled by its full attempt). Undefined: the whole chunk.
   */
  onlyFiles?: readonly string[];
  /** List what would be copied; write nothing. */
  dryRun: boolean;
  excludeFiles: string[];
  excludeDirs: string[];
  caseInsensitive: boolean;
  /** Only files matching these name wildcards, when not empty (ExcludeRules.includeFiles). */
  includeFiles?: string[];
  /**
   * Files left out by size or age. Left out means: not copied, not counted, and under mirror a
   * destination file the filter leaves out is never deleted.
   */
  sizeAge?: SizeAgeFilter;
  /** robocopy /XA attribute letters (RASHCNETO): files with any of them are left out (robocopy only). */
  excludeAttributes?: string;
  /**
   * The destination file system compares names ignoring case (NTFS, APFS, SMB shares, vfat,
   * ext4 casefold), as probed on the destination root by the orchestrator. Mirror and extras
   * logic must then treat `Finance` and `finance` as the same entry. Undefined = case-sensitive.
   */
  destinationCaseInsensitive?: boolean;
  /**
   * Precision (ms) the destination file system keeps mtimes with, as probed on its root (FAT 2 s,
   * exFAT 10 ms or 1 s through FUSE, many SMB servers 1 s). An engine that decides "unchanged" by
   * mtime must treat times this close as equal. Undefined or 0 = exact.
   */
  destinationMtimeGranularityMs?: number;
  /** Bytes per second for this job; undefined or 0 = unlimited. */
  bandwidthBytesPerSec?: number;
  /** Where the engine may write its log for this job. */
  logPath?: string;
  /**
   * The profile's `engineOptions`, keyed by engine name (`{ robocopy: { switches: [...] } }`),
   * already validated; an engine reads its own key.
   */
  engineOptions: Record<string, unknown>;
  /** Retries the engine makes itself per file (robocopy /R); from the profile's retry policy. */
  engineRetries?: number;
  /** Seconds between the engine's own retries (robocopy /W). */
  engineWaitSeconds?: number;
  /**
   * Mirror: the most destination entries this job may delete, each file, link and directory
   * counted, a removed directory's contents included. The job deletes nothing beyond it (also
   * in a dry run, where it stops listing) and ends Error with `shouldRetry: false`, saying so.
   * Undefined = no limit. Resolved per chunk by the orchestrator from the profile's maxDeletes.
   */
  maxDeletes?: number;
  /**
   * Called for each destination entry the job deletes, or would delete in a dry run, with its
   * path relative to the chunk's destination ('/'-separated, names as in byte-names.ts) and how
   * many entries went with it (1, or 1 + the contents of a directory when the engine knows them).
   */
  onDeletion?: (deletion: Deletion) => void;
  /**
   * Called for each file the job copies (new or update), skips on purpose or fails, or in a dry
   * run would copy: the per-file log (files.log) and the dry run's listing. Files found up to
   * date are not reported (their count is in the stats); deletions go to `onDeletion`.
   */
  onFileAction?: (action: FileAction) => void;
  /** Where the engine notes its child processes and scratch directories for the next run's clean-up. */
  childLedger?: ChildLedger;
  /**
   * The scan's digests of the source's directories (digests.ts; `capabilities.sourceDigests`): a
   * destination directory whose digest is among them is up to date as far as its listing shows,
   * without a listing of the source. Local jobs only (it is shared memory).
   */
  sourceDigests?: DigestTable;
  /**
   * With `sourceDigests`: the scan found this chunk's whole tree up to date in its destination
   * (ScanOptions.compareWith, DirTree.unchanged), `sourceDigests.takenAt` ago. An engine that
   * trusts the digests may book the chunk as unchanged without listing it again.
   */
  unchangedAtScan?: boolean;
  /**
   * What to keep besides the data, resolved for this profile run (defaults, privileges and what
   * the destination file system supports already applied). Undefined: the engine's own defaults.
   */
  preserve?: Preserve;
  /**
   * Reports something the admin should know that does not fail the job (a Warning event with
   * `code`), e.g. robocopy copying single-threaded because it has no /IORATE. Engines report
   * each condition once per run, not per chunk.
   */
  onWarning?: (code: string, message: string) => void;
  logger: Logger;
}

/**
 * What happened to one file. `copy` is a copy the engine did not say was new or an update (a
 * robocopy log in another language).
 */
export type FileActionKind = 'new' | 'update' | 'copy' | 'skip' | 'fail';

/** One file a job reports (see CopyOptions.onFileAction). */
export interface FileAction {
  action: FileActionKind;
  /**
   * Relative to the chunk's source directory ('/'-separated, names as in byte-names.ts); an
   * absolute path when the problem is with a chunk root itself.
   */
  relPath: string;
  /** Bytes, when the engine knows them. */
  size?: number;
  /** Why it failed, or why it was skipped. */
  error?: string;
}

/** One deletion a job reports (see CopyOptions.onDeletion). */
export interface Deletion {
  relPath: string;
  isDir: boolean;
  entries: number;
}

/**
 * A running copy of one chunk. `done` always resolves (never rejects) with a CopyResult, the
 * moment the work ends (process exit, not a poll). All methods are idempotent and safe to call
 * after the job ended.
 */
export interface CopyJob {
  readonly chunk: Chunk;
  /** OS process id of the engine's child, when there is one. */
  readonly pid?: number;
  readonly startedAt: Date;
  readonly done: Promise<CopyResult>;
  /** Latest live counters. */
  progress(): CopyProgress;
  /** Subscribe to progress; returns an unsubscribe function. */
  onProgress(listener: (p: CopyProgress) => void): () => void;
  /** Ends the job and its whole process tree; resolves when it is gone. */
  kill(): Promise<void>;
  /** Freeze the job (capabilities.suspend). */
  suspend?(): void;
  /** Thaw a suspended job. */
  resume?(): void;
  /** Change the job's bandwidth while it runs (capabilities.liveBandwidth); 0 = unlimited. */
  setBandwidth?(bytesPerSec: number): void;
}

/**
 * A copy engine (native, rsync, robocopy, simulated, or a plugin's).
 * `start` returns at once; it throws only for programming errors or a failure to start the
 * engine at all (missing binary, invalid argument), which the orchestrator treats as a failed
 * attempt. Many jobs of one Copier may run concurrently.
 */
export interface Copier {
  readonly name: string;
  readonly capabilities: CopierCapabilities;
  start(chunk: Chunk, options: CopyOptions): CopyJob;
  /**
   * Why this engine cannot be given `relPaths` as `onlyFiles` for `chunk` (robocopy takes only
   * names in the chunk's own directory, and only names it can carry on a command line);
   * undefined when it can. Absent: every list is fine (with `capabilities.fileList`).
   */
  fileListProblem?(chunk: Chunk, relPaths: readonly string[]): string | undefined;
  /**
   * One bandwidth budget (bytes/s, 0 = unlimited) shared by all of this copier's running jobs,
   * changeable while they run. Declared by `capabilities.sharedBandwidth`: the orchestrator then
   * uses it instead of dividing the budget into per-job shares, so a job slowed by small files
   * leaves its share to the others.
   */
  setTotalBandwidth?(bytesPerSec: number): void;
  /** Release shared resources (worker pools); idempotent. */
  close?(): Promise<void>;
}

/** Stats with every counter at zero. */
export function emptyStats(): CopyStats {
  return {
    filesCopied: 0, bytesCopied: 0, filesSkipped: 0, bytesSkipped: 0,
    filesFailed: 0, bytesFailed: 0, extrasRemoved: 0, dirsCreated: 0,
  };
}
