import { DEFAULT_CIRCUIT_BREAKER_FAILURES } from '../config/defaults';
import type { ProfileConfig } from '../config/types';

/**
 * Counts a profile's chunks that fail for good in a row. A destination that went away makes
 * every chunk fail all its attempts one after another, for hours; after `consecutiveFailures`
 * of them (the predecessor's 10) the profile stops and the run goes on with the next profile.
 * A chunk that completes (with warnings or not) starts the count again. 0 = never trips.
 */
export class CircuitBreaker {
  private failures = 0;
  private reason?: string;
  readonly limit: number;

  constructor(private readonly profile: ProfileConfig) {
    this.limit = profile.circuitBreaker?.consecutiveFailures ?? DEFAULT_CIRCUIT_BREAKER_FAILURES;
  }

  /** Why the breaker stopped the profile; undefined while it has not. */
  get tripped(): string | undefined {
    return this.reason;
  }

  chunkCompleted(): void {
    if (!this.reason) this.failures = 0;
  }

  /** Counts a chunk failed for good; returns the reason when this failure trips the breaker. */
  chunkFailed(message: string): string | undefined {
    if (this.reason || this.limit === 0) return undefined;
    this.failures++;
    if (this.failures < this.limit) return undefined;
    this.reason = `circuit breaker: ${this.failures} chunks in a row failed after all their attempts (the last: ${message}); ` +
      `profile ${this.profile.name} stopped, the chunks not yet copied are left for the next run ` +
      `(circuitBreaker.consecutiveFailures = ${this.limit})`;
    return this.reason;
  }
}
