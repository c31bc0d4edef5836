import { type Chunk, type Copier, type CopierCapabilities, type CopyJob, type CopyOptions } from '../../api';
import { robocopyExitMeaning } from '../exit-meaning';
import {
  checkOutcome, crashesOn, exitCodeFor, outcomeFor, readSimulatedOptions, type SimulatedEngineOptions,
} from './simulation-script';
import { SimulatedJob } from './simulated-job';
import { simulatedStats } from './simulated-stats';
import { SimulatedStartError } from '../../errors/run-errors';

export { SimulatedStartError };

const DEFAULT_BYTES_PER_SEC = 1024 ** 3;
const DEFAULT_PROGRESS_INTERVAL_MS = 100;


/**
 * A copier that does no I/O: each chunk follows a script (exit code per attempt, duration or
 * speed, crash on start), for orchestration tests and benchmarks. Attempts are counted per
 * chunk id by this instance, so a retried chunk walks through its `exitCodes`. Entries in
 * `engineOptions.simulated` override the constructor's script entry by entry.
 */
export class SimulatedCopier implements Copier {
  readonly name = 'simulated';
  readonly capabilities: CopierCapabilities = { suspend: true, liveBandwidth: true, mirror: true, dryRun: true, liveProgress: true };
  private readonly attempts = new Map<string, number>();

  constructor(private readonly defaults: SimulatedEngineOptions = {}) {
    for (const [key, outcome] of Object.entries(defaults.script ?? {})) checkOutcome(key, outcome);
  }

  /** How many times start() was called for this chunk id (crashed starts included). */
  attemptsOf(chunkId: string): number {
    return this.attempts.get(chunkId) ?? 0;
  }

  start(chunk: Chunk, options: CopyOptions): CopyJob {
    const fromJob = readSimulatedOptions(options.engineOptions ?? {});
    const script = { ...this.defaults.script, ...fromJob.script };
    const attempt = (this.attempts.get(chunk.id) ?? 0) + 1;
    this.attempts.set(chunk.id, attempt);
    const outcome = outcomeFor(script, chunk);
    if (crashesOn(outcome, attempt)) throw new SimulatedStartError(chunk.id, attempt);

    const mismatchSeverity = fromJob.mismatchSeverity ?? this.defaults.mismatchSeverity;
    const exitCode = exitCodeFor(outcome, attempt, chunk);
    const { stats, errors } = simulatedStats(chunk, exitCode, options.mirror);
    const speed = outcome.bytesPerSec ?? fromJob.defaultBytesPerSec ?? this.defaults.defaultBytesPerSec ?? DEFAULT_BYTES_PER_SEC;
    const baseDurationMs = outcome.durationMs ?? (speed > 0 ? (chunk.estimatedBytes / speed) * 1000 : 0);
    // With a scripted duration the speed is implied by it; a bandwidth limit slows it further.
    const baseBytesPerSec = outcome.durationMs !== undefined
      ? (outcome.durationMs > 0 ? chunk.estimatedBytes / (outcome.durationMs / 1000) : Infinity)
      : speed;
    return new SimulatedJob(chunk, {
      exitCode,
      exitMeaning: robocopyExitMeaning(exitCode, { mismatchSeverity }),
      stats, errors, baseDurationMs, baseBytesPerSec,
      bandwidthBytesPerSec: options.bandwidthBytesPerSec ?? 0,
      progressIntervalMs: fromJob.progressIntervalMs ?? this.defaults.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
    });
  }

  async close(): Promise<void> {
    // Nothing shared to release; present so callers can treat every engine alike.
  }
}
