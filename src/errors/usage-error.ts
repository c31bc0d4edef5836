import { RobocurseError } from '../api/errors';
import { traitsOf } from './catalogue';

/** A usage problem (bad flag combination, unknown profile, a bad argument to a library call): exit code 2 in the CLI. */
export class UsageError extends RobocurseError {
  constructor(message: string) { super('USAGE', message, traitsOf('USAGE')); }
}
