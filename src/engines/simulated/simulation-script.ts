import type { Chunk } from '../../api';
import type { MismatchSeverity } from '../exit-meaning';

/** What one chunk does in the simulated engine. Every field is optional. */
export interface SimulatedOutcome {
  /** Robocopy-bitmap exit code per attempt (1-based attempt n uses index n-1; the last repeats). */
  exitCodes?: number[];
  /** Wall time of an unthrottled attempt; 0 = finish on the next turn of the event loop. */
  durationMs?: number;
  /** Copy speed used when durationMs is absent: duration = estimatedBytes / bytesPerSec. */
  bytesPerSec?: number;
  /** start() throws, as a missing or broken engine binary would: always, or on these attempts. */
  crashOnStart?: boolean | number[];
}

/** Outcomes keyed by chunk id, then chunk relPath, then '*' (the fallback). */
export type SimulationScript = Record<string, SimulatedOutcome>;

/** Everything the simulated engine can be told, by constructor or by engineOptions.simulated. */
export interface SimulatedEngineOptions {
  script?: SimulationScript;
  /** Progress tick while a job runs (one timer per job); default 100 ms. */
  progressIntervalMs?: number;
  /** Speed when neither the script nor the chunk says; default 1 GiB/s ("fast"). */
  defaultBytesPerSec?: number;
  /** How exit bit 4 (mismatches) is rated; default 'Warning'. */
  mismatchSeverity?: MismatchSeverity;
}

const OPTION_KEYS = new Set(['script', 'progressIntervalMs', 'defaultBytesPerSec', 'mismatchSeverity']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads `engineOptions.simulated`. Two shapes are accepted because both read naturally in a
 * config: the options object (`{ script: {...}, progressIntervalMs }`) or the bare script
 * (`{ '*': { exitCodes: [8, 1] } }`). It is the options shape when it has a `script` object
 * or only option keys.
 */
export function readSimulatedOptions(engineOptions: Record<string, unknown>): SimulatedEngineOptions {
  const raw = engineOptions.simulated;
  if (raw === undefined) return {};
  if (!isObject(raw)) throw new TypeError('engineOptions.simulated must be an object');
  const keys = Object.keys(raw);
  const optionsShape = isObject(raw.script) || (keys.length > 0 && keys.every((k) => OPTION_KEYS.has(k)));
  const opts = (optionsShape ? raw : { script: raw }) as SimulatedEngineOptions;
  for (const [key, outcome] of Object.entries(opts.script ?? {})) checkOutcome(key, outcome);
  return opts;
}

/** Throws a TypeError naming the bad field: a malformed script is a programming error. */
export function checkOutcome(key: string, o: unknown): asserts o is SimulatedOutcome {
  const where = `simulation script entry ${JSON.stringify(key)}`;
  if (!isObject(o)) throw new TypeError(`${where} must be an object`);
  if (o.exitCodes !== undefined && (!Array.isArray(o.exitCodes) || o.exitCodes.length === 0 || !o.exitCodes.every(Number.isInteger))) {
    throw new TypeError(`${where}: exitCodes must be a non-empty array of integers`);
  }
  for (const k of ['durationMs', 'bytesPerSec'] as const) {
    const v = o[k];
    if (v !== undefined && (typeof v !== 'number' || !(v >= 0))) throw new TypeError(`${where}: ${k} must be a number >= 0`);
  }
  const c = o.crashOnStart;
  if (c !== undefined && typeof c !== 'boolean' && !(Array.isArray(c) && c.every(Number.isInteger))) {
    throw new TypeError(`${where}: crashOnStart must be a boolean or an array of attempt numbers`);
  }
}

/** The outcome for `chunk`: by id, else by relPath, else '*', else {} (success, default speed). */
export function outcomeFor(script: SimulationScript, chunk: Chunk): SimulatedOutcome {
  return script[chunk.id] ?? script[chunk.relPath] ?? script['*'] ?? {};
}

/** Exit code of the given 1-based attempt: the script's, else 1 when there is data, else 0. */
export function exitCodeFor(outcome: SimulatedOutcome, attempt: number, chunk: Chunk): number {
  const codes = outcome.exitCodes;
  if (codes && codes.length > 0) return codes[Math.min(attempt, codes.length) - 1];
  return chunk.estimatedFiles > 0 ? 1 : 0;
}

/** True when the given attempt should fail to start. */
export function crashesOn(outcome: SimulatedOutcome, attempt: number): boolean {
  const c = outcome.crashOnStart;
  return c === true || (Array.isArray(c) && c.includes(attempt));
}
