import { RobocurseError } from '../../api/errors';
import { traitsOf } from '../../errors/catalogue';

/** Why the rsync engine refused to start a job. */
export type RsyncArgumentErrorCode =
  /** A source or destination path holds a control character (or is empty). */
  | 'RSYNC_UNSAFE_PATH'
  /** An exclude pattern holds a control character. */
  | 'RSYNC_UNSAFE_PATTERN'
  /** `engineOptions.rsync` holds a value the engine does not accept. */
  | 'RSYNC_BAD_OPTION';

/**
 * Thrown synchronously by `RsyncCopier.start` (and the argv builder) when a job cannot be
 * expressed safely as an rsync command line. It is a configuration or data problem, never a
 * transient one, so the message names the offending value and what to do about it.
 */
export class RsyncArgumentError extends RobocurseError {
  declare readonly code: RsyncArgumentErrorCode;

  /** @param field the `engineOptions.rsync` key at fault, when the error is about one */
  constructor(code: RsyncArgumentErrorCode, message: string, readonly field?: string) {
    super(code, message, traitsOf(code));
  }
}

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** True when `s` holds a character rsync would print escaped and a terminal could misread. */
export function hasControlChar(s: string): boolean {
  return CONTROL_CHARS.test(s);
}
