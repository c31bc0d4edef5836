import type { ChunkPolicy, SizeAgeFilter } from '../api';
import type { SelectionSettings } from './selection';
import type { ScheduleConfig } from '../schedule/types';
import type { MaxDeletes } from './max-deletes';
import type { PreserveSettings } from './preserve';

/** Per-profile retry policy (robocurse-level attempts plus the engine's own retries). */
export interface RetryPolicy {
  /** Attempts per chunk in all, including the first (default 3). */
  maxAttempts: number;
  /** Delay before the first retry (default 5 s); doubles each retry, capped by maxBackoffSeconds. */
  backoffSeconds: number;
  maxBackoffSeconds: number;
  /** Retries the engine makes itself per file (robocopy /R, default 3). */
  engineRetries: number;
  /** Seconds the engine waits between its own retries (robocopy /W, default 10). */
  engineWaitSeconds: number;
}

export interface SnapshotConfig {
  /** Snapshot provider name (a loaded snapshot plugin: 'btrfs', 'vss', ...). */
  provider: string;
  /** When false, a snapshot that cannot be made gives a warning and the live tree is copied. */
  required: boolean;
  /** Provider options (validated by the provider's schema). */
  options: Record<string, unknown>;
  /**
   * Snapshots kept after the profile ends, made at profile start: how many robocurse-made ones to
   * keep of the source and of the destination (0 = none). Absent means none (see docs/snapshots.md).
   */
  persistent?: { keepSource: number; keepDestination: number };
}

/** `global.retention`: days are whole days of age; 0 turns a rule off. */
export interface RetentionPolicy {
  /** A session's logs (session log and chunk logs) are deleted this many days after its last write. */
  logsDays: number;
  /** Log files are gzipped this many days after their last write. */
  compressAfterDays: number;
  /** Events older than this are deleted from the state database. */
  eventsDays: number;
  /** The logs of this many newest sessions are never deleted, whatever their age. */
  sessionsKeep: number;
}

/** Checks before a profile copies anything (src/orchestrator/preflight.ts). */
export interface PreflightConfig {
  /** Refuse the profile when the destination lacks room for the planned bytes; false = warn. */
  requireFreeSpace: boolean;
}

/** One profile after validation: paths absolute, sizes in bytes, defaults filled in. */
export interface ProfileConfig {
  name: string;
  source: string;
  destination: string;
  enabled: boolean;
  mirror: boolean;
  chunking: ChunkPolicy;
  excludeFiles: string[];
  excludeDirs: string[];
  snapshot: SnapshotConfig | null;
  /** Engine for this profile (profile `engine`, else global.engine). */
  engine: string;
  /** Options keyed by engine name, e.g. { robocopy: { switches: [...] } }. */
  engineOptions: Record<string, Record<string, unknown>>;
  retry: RetryPolicy;
  /** Stops the profile after this many chunks in a row failed for good (profile's, else global; 0 = never). */
  circuitBreaker?: { consecutiveFailures: number };
  /** Checks before the profile copies anything (profile's, else global; absent = defaults). */
  preflight?: PreflightConfig;
  /** Per-profile bandwidth cap in Mbit/s (0 = global value applies). */
  bandwidthLimitMbps: number;
  /** Paths are Windows paths (drive letter or UNC): build them with path.win32. */
  windowsPaths: boolean;
  /** When the system's scheduler runs this profile (`robocurse schedule sync`); absent = never. */
  schedule?: ScheduleConfig;
  /** What to keep besides the data, as written in the config (absent keys take the defaults: src/config/preserve.ts). */
  preserve?: PreserveSettings;
  /** Mirror: most destination entries one chunk may delete (count or percentage); null = no limit. */
  maxDeletes?: MaxDeletes | null;
  /** Only files whose names match these wildcards (empty: every file). */
  includeFiles?: string[];
  /** Size and age filters as configured (ages resolved into instants per run: `sizeAge`). */
  selection?: SelectionSettings;
  /** The size and age filters resolved when the config was loaded (one instant for scan and copy). */
  sizeAge?: SizeAgeFilter;
  /** robocopy /XA letters; only with the robocopy engine. */
  excludeAttributes?: string;
  /** Check of each chunk's copy before it counts as done (src/verify); absent = 'off'. */
  verify?: VerifyMode;
  /** `sample`: percentage of files whose content is hashed (0 < x <= 100); absent = 10. */
  verifySample?: number;
  /** What a verification mismatch does to the chunk: fail it (default) or only warn. */
  verifyMismatch?: 'fail' | 'warn';
  /** Files still failing after their chunk's last attempt, when they are its only problem: fail it, or end it with warnings. */
  failedFilesSeverity?: 'error' | 'warning';
}

/** How much of a chunk's copy is checked: nothing, size+time(+mode), plus a content hash of a sample, or of every file. */
export type VerifyMode = 'off' | 'meta' | 'sample' | 'full';

/** A plugin named by the config. */
export interface PluginRef {
  /** Built-in name (plugins/<name>), a path relative to the config file, or a package name. */
  use: string;
  options: Record<string, unknown>;
  /** JSON path of this entry in the config, for error messages. */
  jsonPath: string;
}

export interface GlobalConfig {
  maxConcurrentJobs: number;
  engine: string;
  /** One budget for all running jobs together, Mbit/s; 0 = unlimited. */
  bandwidthLimitMbps: number;
  logDir: string;
  stateDir: string;
  plugins: PluginRef[];
  /**
   * Folders (absolute) in which plugins named by package are looked up, besides robocurse's own
   * installation; used only when the config file is safe from other users (docs/security.md).
   */
  pluginPaths: string[];
  /** A pause longer than this (s) ends by itself with pauseTimeoutAction; 0 = never. */
  pauseTimeoutSeconds: number;
  /** Redis URL of the worker pool (docs/scale-out.md); absent = chunks run in this process. */
  queue?: string;
  /**
   * With a queue: how long (s) Redis may stay unreachable before the coordinator gives up on the
   * chunks its workers hold (they end not done, exit 1); 0 = wait however long it takes.
   */
  queueOutageSeconds?: number;
  pauseTimeoutAction: 'resume' | 'stop';
  /** How often a run rewrites its health file (and `--metrics-file`), seconds; absent = 10. */
  healthIntervalSeconds?: number;
  /** Default circuit breaker of the profiles (see ProfileConfig.circuitBreaker). */
  circuitBreaker?: { consecutiveFailures: number };
  /** Default pre-flight of the profiles (see ProfileConfig.preflight). */
  preflight?: PreflightConfig;
  /** What old logs and events are compressed and deleted (src/retention); absent = the defaults. */
  retention?: RetentionPolicy;
}

export interface RobocurseConfig {
  version: 1;
  /** Absolute path of the config file. */
  configPath: string;
  configDir: string;
  /** The config's text when it was given as an object (library), not read from configPath. */
  sourceText?: string;
  global: GlobalConfig;
  /** In file order. */
  profiles: ProfileConfig[];
}

/** A secret given in the config: never inline, always from the environment or a file. */
export type SecretRef = { env: string } | { file: string };
