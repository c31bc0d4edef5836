/** One thing wrong with a config: where (a JSON path like `profiles.docs.source`) and what. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** Thrown when a config cannot be used; carries every problem found, not just the first. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[], readonly file?: string) {
    super(problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}
