/**
 * Every error class robocurse throws on purpose, for `import { ... } from 'robocurse'`.
 * Codes and traits: ./catalogue.ts and docs/errors.md.
 */
export { RobocurseError, isRobocurseError, type ErrorTraits } from '../api/errors';
export { ERROR_CATALOGUE, type ErrorCode } from './catalogue';
export { ConfigError, type ConfigProblem } from '../config/problems';
export { UsageError } from './usage-error';
export { UnsafePathError } from '../fs/path-trust';
export { LogDirError } from '../logging/log-file';
export { StateError, ProfileLockedError, type StateErrorCode } from '../state/errors';
export { UnknownEngineError } from '../engines/copier-registry';
export { MirrorRefusedError, PreflightError, SimulatedStartError, ScanRootError } from './run-errors';
export { AbortError } from '../scan/abort-error';
export { RobocopyArgumentError, type RobocopyArgumentErrorCode } from '../engines/robocopy/errors';
export { RsyncArgumentError, type RsyncArgumentErrorCode } from '../engines/rsync/errors';
export { BindRefusedError } from '../dashboard/bind-policy';
export { CrontabEditError, NoBackendError, ScheduleOpError, ScheduleConflictError } from './schedule-errors';
