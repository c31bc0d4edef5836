import { RobocurseError } from '../api/errors';
import { traitsOf } from '../errors/catalogue';

/** The rejection of an aborted scan (or plan): `name` is 'AbortError' and `code` 'ABORT_ERR', as for fetch and fs. */
export class AbortError extends RobocurseError {
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super('ABORT_ERR', message, traitsOf('ABORT_ERR'), options);
  }
}
