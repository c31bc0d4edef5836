import { RobocurseError } from '../../api/errors';
import type { ConfigProblem } from '../../config/problems';
import { traitsOf } from '../../errors/catalogue';

/** Why a value cannot be passed to robocopy. */
export type RobocopyArgumentErrorCode =
  /** A switch robocurse sets itself (/MT, /LOG, /R, ...): the user must not override it. */
  | 'ROBOCOPY_MANAGED_SWITCH'
  /** A switch not on the allow-list (unknown, or one that breaks scope or log parsing). */
  | 'ROBOCOPY_SWITCH_NOT_ALLOWED'
  /** Control characters, quotes or `| < >` in a path, pattern or switch. */
  | 'ROBOCOPY_UNSAFE_ARGUMENT'
  /** An exclude pattern or path that starts with `/` or `-`: robocopy would read it as a switch. */
  | 'ROBOCOPY_SWITCH_LIKE'
  /** A source or destination that is not an absolute path (drive-relative `C:x`, `.\x`). */
  | 'ROBOCOPY_RELATIVE_PATH'
  /** A number robocopy cannot take (negative or fractional retries, wait seconds, ...). */
  | 'ROBOCOPY_INVALID_VALUE';

/**
 * A value from the config or a chunk that robocurse refuses to hand to robocopy. Carries the
 * offending value and where it came from (a config JSON path such as
 * `profiles.docs.engineOptions.robocopy.switches[2]`), so the message tells the admin what to fix.
 */
export class RobocopyArgumentError extends RobocurseError {
  declare readonly code: RobocopyArgumentErrorCode;

  constructor(
    code: RobocopyArgumentErrorCode,
    /** The offending value, verbatim. */
    readonly value: string,
    /** Config key or chunk field the value came from. */
    readonly configKey: string,
    reason: string,
  ) {
    // Shown raw (Windows paths stay readable) unless it holds characters a terminal would eat.
    const shown = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u.test(value) ? JSON.stringify(value) : `"${value}"`;
    super(code, `${configKey}: ${reason}: ${shown}`, traitsOf(code));
  }

  /** The same finding as a ConfigProblem, for config validation that collects every problem. */
  toProblem(): ConfigProblem {
    return { path: this.configKey, message: this.message.slice(this.configKey.length + 2) };
  }
}
