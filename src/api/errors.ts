/**
 * The traits a scheduler acts on (see STYLE.md, "errors carry traits, not strings to match").
 * `retryable`: another attempt could plausibly succeed (a lock held now, a transient failure).
 * `fatal`: the run as a whole cannot go on; otherwise only one chunk or profile fails.
 */
export interface ErrorTraits {
  retryable: boolean;
  fatal: boolean;
}

/**
 * The base of every error robocurse throws on purpose, and the one a plugin should throw: a
 * stable `code` (listed in docs/errors.md) to act on, and the traits. The message is a sentence
 * for the admin: what is wrong, where, and what to do.
 */
export class RobocurseError extends Error {
  readonly retryable: boolean;
  readonly fatal: boolean;

  constructor(readonly code: string, message: string, traits: Partial<ErrorTraits> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.retryable = traits.retryable ?? false;
    this.fatal = traits.fatal ?? false;
  }
}

/** True for a RobocurseError, also one thrown by another copy of robocurse (a plugin's own install). */
export function isRobocurseError(err: unknown): err is RobocurseError {
  if (err instanceof RobocurseError) return true;
  if (!(err instanceof Error)) return false;
  const e = err as Error & Partial<RobocurseError>;
  return typeof e.code === 'string' && typeof e.retryable === 'boolean' && typeof e.fatal === 'boolean';
}
