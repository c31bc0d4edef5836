import { RobocurseError } from '../api/errors';
import { traitsOf } from './catalogue';

/**
 * A mirror refused before it deleted anything: the profile fails with this message (exit 1),
 * the run goes on with the next profile. Not an Error of the run itself.
 */
export class MirrorRefusedError extends RobocurseError {
  constructor(message: string) { super('MIRROR_REFUSED', message, traitsOf('MIRROR_REFUSED')); }
}

/** Thrown by start() when the script says the engine crashes on this attempt. */
export class SimulatedStartError extends RobocurseError {
  constructor(readonly chunkId: string, readonly attempt: number) {
    super('SIMULATED_CRASH', `simulated engine crashed on start (chunk ${chunkId}, attempt ${attempt})`, traitsOf('SIMULATED_CRASH'));
  }
}

/** Error thrown when the scan root cannot be listed; carries the Node error code. */
export class ScanRootError extends RobocurseError {
  /** @param fsCode the system's error code (ENOENT, EACCES, ...) */
  constructor(readonly root: string, readonly fsCode: string, message: string) {
    super('SCAN_ROOT_UNREADABLE', `cannot scan ${root}: ${message}`, traitsOf('SCAN_ROOT_UNREADABLE'));
  }
}

/** A source or destination the pre-flight found unusable: the profile fails with this message, no stack trace. */
export class PreflightError extends RobocurseError {
  override readonly name = 'PreflightError';
  constructor(message: string) { super('PREFLIGHT_FAILED', message, traitsOf('PREFLIGHT_FAILED')); }
}
