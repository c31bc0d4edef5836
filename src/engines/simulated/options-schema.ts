/**
 * JSON schema of `engineOptions.simulated` (tests and benchmarks): the options object or a bare
 * script (src/engines/simulated/simulation-script.ts reads and checks both shapes).
 */
export const SIMULATED_OPTIONS_SCHEMA = {
  type: 'object',
  description: 'Scripted outcomes and timings: { script, progressIntervalMs, defaultBytesPerSec, mismatchSeverity } or a bare script (docs: src/engines/simulated).',
} as const;
