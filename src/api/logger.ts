/**
 * The logging surface given to plugins and engines: a subset of pino's Logger, so a pino
 * instance satisfies it and a plugin never needs to depend on pino itself.
 * Implementations must be safe to call from any async context; calls never throw.
 */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  /** A logger whose every line also carries `bindings`. */
  child(bindings: Record<string, unknown>): Logger;
}
