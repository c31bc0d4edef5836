import type { ErrorTraits } from '../api/errors';

/** One entry of the catalogue: the class that carries the code, its traits, and what it means. */
export interface CatalogueEntry extends ErrorTraits {
  error: string;
  meaning: string;
}

/**
 * Every error code robocurse throws, in one place. docs/errors.md lists the same table and
 * test/unit/errors/catalogue.spec.ts keeps the two, and the classes, in step.
 */
export const ERROR_CATALOGUE = {
  CONFIG_INVALID: { error: 'ConfigError', retryable: false, fatal: true, meaning: 'The config cannot be used; every problem is listed with the key it concerns. Nothing ran.' },
  USAGE: { error: 'UsageError', retryable: false, fatal: true, meaning: 'The command line (or a library call) asks for something that cannot be done: an unknown profile, a bad flag value.' },
  UNSAFE_PATH: { error: 'UnsafePathError', retryable: false, fatal: true, meaning: 'A state, log or plugin path that another user could change; refused (docs/security.md).' },
  LOG_DIR_UNUSABLE: { error: 'LogDirError', retryable: false, fatal: true, meaning: 'global.logDir cannot be created or written.' },
  STATE_SCHEMA_TOO_NEW: { error: 'StateError', retryable: false, fatal: true, meaning: 'The state database was written by a newer robocurse.' },
  STATE_SCHEMA_OUTDATED: { error: 'StateError', retryable: false, fatal: true, meaning: 'The state database must be migrated, and a read-only command may not do it.' },
  STATE_CORRUPT: { error: 'StateError', retryable: false, fatal: true, meaning: 'The state database file is damaged (not a database, malformed); `robocurse state repair` moves it aside and starts a new one.' },
  STATE_OPEN_FAILED: { error: 'StateError', retryable: false, fatal: true, meaning: 'The state database cannot be opened (missing directory, permissions, corruption), or another process (a run, `status`, `state repair` on the same folder) kept it locked past the busy timeout (15 s; processes opening a new state folder at the same moment wait for each other).' },
  STATE_UNSAFE: { error: 'StateError', retryable: false, fatal: true, meaning: 'The state directory or database could be changed by another user.' },
  STATE_UNKNOWN_RUN: { error: 'StateError', retryable: false, fatal: false, meaning: 'No run with that session id is recorded.' },
  STATE_UNKNOWN_CHUNK: { error: 'StateError', retryable: false, fatal: false, meaning: 'No chunk with that id is recorded for the profile.' },
  STATE_NOT_A_SUCCESS: { error: 'StateError', retryable: false, fatal: false, meaning: 'The operation needs a profile run that succeeded.' },
  STATE_BAD_COMMAND: { error: 'StateError', retryable: false, fatal: false, meaning: 'A control command that cannot be queued (unknown command, bad argument, no live run).' },
  PROFILE_LOCKED: { error: 'ProfileLockedError', retryable: true, fatal: true, meaning: 'Another live process runs the profile; try again when it has finished.' },
  ENGINE_UNKNOWN: { error: 'UnknownEngineError', retryable: false, fatal: false, meaning: 'A profile names a copy engine that is neither built in nor registered by a plugin or the library.' },
  SCAN_ROOT_UNREADABLE: { error: 'ScanRootError', retryable: false, fatal: false, meaning: 'The source root (or its snapshot) cannot be listed; the profile fails, the run goes on. `fsCode` holds the system error code.' },
  ABORT_ERR: { error: 'AbortError', retryable: false, fatal: false, meaning: 'A scan or plan was aborted (stop, drain, an AbortSignal).' },
  PREFLIGHT_FAILED: { error: 'PreflightError', retryable: false, fatal: false, meaning: 'Before anything was copied, the source could not be read or the destination could not be written; the profile fails, the run goes on.' },
  MIRROR_REFUSED: { error: 'MirrorRefusedError', retryable: false, fatal: false, meaning: 'A mirror safety rail refused the profile before it deleted (more); the run goes on (docs/safety.md).' },
  ROBOCOPY_MANAGED_SWITCH: { error: 'RobocopyArgumentError', retryable: false, fatal: false, meaning: 'A robocopy switch that robocurse sets itself (/MT, /LOG, /R, ...).' },
  ROBOCOPY_SWITCH_NOT_ALLOWED: { error: 'RobocopyArgumentError', retryable: false, fatal: false, meaning: 'A robocopy switch that is not on the allow-list.' },
  ROBOCOPY_UNSAFE_ARGUMENT: { error: 'RobocopyArgumentError', retryable: false, fatal: false, meaning: 'Control characters, quotes or | < > in a path, pattern or switch handed to robocopy.' },
  ROBOCOPY_SWITCH_LIKE: { error: 'RobocopyArgumentError', retryable: false, fatal: false, meaning: 'An exclude pattern or path starting with / or -, which robocopy would read as a switch.' },
  ROBOCOPY_RELATIVE_PATH: { error: 'RobocopyArgumentError', retryable: false, fatal: false, meaning: 'A robocopy source, destination or executable that is not an absolute path.' },
  ROBOCOPY_INVALID_VALUE: { error: 'RobocopyArgumentError', retryable: false, fatal: false, meaning: 'A number robocopy cannot take (negative or fractional retries, wait seconds).' },
  RSYNC_UNSAFE_PATH: { error: 'RsyncArgumentError', retryable: false, fatal: false, meaning: 'An rsync source or destination path that holds a control character (or is empty).' },
  RSYNC_UNSAFE_PATTERN: { error: 'RsyncArgumentError', retryable: false, fatal: false, meaning: 'An exclude pattern with a control character, for rsync.' },
  RSYNC_BAD_OPTION: { error: 'RsyncArgumentError', retryable: false, fatal: false, meaning: 'engineOptions.rsync holds a value the engine does not accept.' },
  SIMULATED_CRASH: { error: 'SimulatedStartError', retryable: true, fatal: false, meaning: 'The simulated engine crashed on start, as its script said (tests and benchmarks).' },
  BIND_REFUSED: { error: 'BindRefusedError', retryable: false, fatal: true, meaning: 'The dashboard refuses to listen there (a non-loopback address without TLS).' },
  CRONTAB_EDIT_REFUSED: { error: 'CrontabEditError', retryable: false, fatal: true, meaning: 'The crontab cannot be rewritten safely (odd line endings, a damaged robocurse block).' },
  SCHEDULER_UNAVAILABLE: { error: 'NoBackendError', retryable: false, fatal: true, meaning: 'No system scheduler can take the schedules (none found, or not the one asked for).' },
  SCHEDULE_STEP_FAILED: { error: 'ScheduleOpError', retryable: true, fatal: true, meaning: 'A step of `schedule sync` failed; the steps before it were applied, and syncing again converges.' },
  SCHEDULE_CONFLICT: { error: 'ScheduleConflictError', retryable: false, fatal: true, meaning: 'A generated schedule name is taken by something that is not this config\'s; never overwritten.' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The traits of a catalogued code. */
export function traitsOf(code: ErrorCode): ErrorTraits {
  const { retryable, fatal } = ERROR_CATALOGUE[code];
  return { retryable, fatal };
}
