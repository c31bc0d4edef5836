import type { ChunkPolicy } from '../api';
import type { RetryPolicy } from './types';

/** Engines built into robocurse; copier plugins add more. */
export const BUILT_IN_ENGINES = ['native', 'rsync', 'robocopy', 'simulated'] as const;

/** robocopy where it exists; the native copier everywhere else. */
export function defaultEngine(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'robocopy' : 'native';
}

export const DEFAULT_MAX_CONCURRENT_JOBS = 4;

export const DEFAULT_CHUNKING: ChunkPolicy = {
  mode: 'smart',
  // Big enough that per-chunk process start-up is noise, small enough to balance 4-8 workers.
  maxChunkBytes: 10e9,
  maxChunkFiles: 50_000,
  maxDepth: 5,
};

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  backoffSeconds: 5,
  maxBackoffSeconds: 300,
  engineRetries: 3,
  engineWaitSeconds: 10,
};

/** `sample` verification: percentage of files whose content is hashed. */
export const DEFAULT_VERIFY_SAMPLE = 10;

/** Chunks failed for good in a row that stop a profile (the predecessor's value). */
export const DEFAULT_CIRCUIT_BREAKER_FAILURES = 10;

/** `global.queueOutageSeconds`: how long a coordinator waits for an unreachable Redis. */
export const DEFAULT_QUEUE_OUTAGE_SECONDS = 600;

/** `global.retention` when the config leaves a key out. */
export const DEFAULT_RETENTION = { logsDays: 90, compressAfterDays: 7, eventsDays: 90, sessionsKeep: 10 } as const;
