import { RobocurseError } from '../api/errors';
import { traitsOf } from '../errors/catalogue';
/** Codes of the errors the state layer throws; the CLI maps them to messages and exit codes. */
export type StateErrorCode =
  | 'STATE_SCHEMA_TOO_NEW'
  | 'STATE_SCHEMA_OUTDATED'
  | 'STATE_OPEN_FAILED'
  /** The file is not a (readable) SQLite database: `robocurse state repair` moves it aside. */
  | 'STATE_CORRUPT'
  /** The state directory or database could be changed by another user: refused, not trusted. */
  | 'STATE_UNSAFE'
  | 'STATE_UNKNOWN_RUN'
  | 'STATE_UNKNOWN_CHUNK'
  | 'STATE_NOT_A_SUCCESS'
  | 'STATE_BAD_COMMAND'
  | 'PROFILE_LOCKED';

/** An expected failure of the state layer, with a code to act on and a sentence saying what to do. */
export class StateError extends RobocurseError {
  declare readonly code: StateErrorCode;

  constructor(code: StateErrorCode, message: string) {
    super(code, message, traitsOf(code));
  }
}

/** Who holds a profile lock, as reported to the user. */
export interface LockHolder {
  profile: string;
  sessionId: string | null;
  pid: number;
  host: string;
  acquiredAt: string;
}

/** Thrown when a profile is already being run by a live process. */
export class ProfileLockedError extends StateError {
  constructor(readonly holder: LockHolder, hint: string) {
    super('PROFILE_LOCKED',
      `profile "${holder.profile}" is already running: locked by pid ${holder.pid} on host ${holder.host} ` +
      `since ${holder.acquiredAt}${holder.sessionId ? ` (session ${holder.sessionId})` : ''}. ${hint}`);
  }
}
