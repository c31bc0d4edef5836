import { RobocurseError } from '../api/errors';
import { traitsOf } from '../errors/catalogue';

/** One thing wrong with a config: where (a JSON path like `profiles.docs.source`) and what. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** Thrown when a config cannot be used; carries every problem found, not just the first. */
export class ConfigError extends RobocurseError {
  constructor(readonly problems: ConfigProblem[], readonly file?: string) {
    super('CONFIG_INVALID', problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('\n'), traitsOf('CONFIG_INVALID'));
  }
}
