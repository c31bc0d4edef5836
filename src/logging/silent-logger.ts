import type { Logger } from '../api/logger';

/**
 * A Logger that drops everything: for checks whose log lines nobody reads (config validation),
 * without loading pino at start-up for it.
 */
export function silentLogger(): Logger {
  const log: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => log };
  return log;
}
