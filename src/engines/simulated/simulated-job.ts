import type { Chunk, CopyJob, CopyProgress, CopyResult, CopyStats, ExitMeaning, FileError } from '../../api';
import { KILLED_EXIT_CODE, killedExitMeaning } from '../exit-meaning';

/** Everything a simulated attempt needs, decided by the copier before the job starts. */
export interface SimulatedPlan {
  exitCode: number;
  exitMeaning: ExitMeaning;
  /** Final stats and errors of a completed attempt. */
  stats: CopyStats;
  errors: FileError[];
  /** Unthrottled duration of the attempt; 0 = finish on the next turn of the event loop. */
  baseDurationMs: number;
  /** Unthrottled speed (bytes/s), which a bandwidth limit can only lower. Infinity = none. */
  baseBytesPerSec: number;
  bandwidthBytesPerSec: number;
  progressIntervalMs: number;
}

/**
 * One simulated attempt. Time is virtual work: `work` runs from 0 to baseDurationMs at a speed
 * factor ≤ 1 set by the bandwidth limit, and progress is that fraction of the final stats.
 * At most one timer per job is armed (ticks double as the finish timer), and a zero-duration
 * job uses setImmediate, so 10,000 jobs cost 10,000 small objects and nothing more.
 */
export class SimulatedJob implements CopyJob {
  readonly startedAt = new Date();
  readonly done: Promise<CopyResult>;
  private resolveDone!: (r: CopyResult) => void;
  private readonly t0 = performance.now();
  private last = this.t0;
  private work = 0;
  private bandwidth: number;
  private suspended = false;
  private ended = false;
  private timer: NodeJS.Timeout | undefined;
  private listeners: Array<(p: CopyProgress) => void> | undefined;
  private current: CopyProgress = { bytesCopied: 0, filesCopied: 0 };

  constructor(readonly chunk: Chunk, private readonly plan: SimulatedPlan) {
    this.bandwidth = plan.bandwidthBytesPerSec;
    this.done = new Promise((resolve) => { this.resolveDone = resolve; });
    if (plan.baseDurationMs <= 0) setImmediate(() => this.finish(false));
    else this.arm();
  }

  progress(): CopyProgress {
    return { ...this.current };
  }

  onProgress(listener: (p: CopyProgress) => void): () => void {
    (this.listeners ??= []).push(listener);
    return () => { this.listeners = this.listeners?.filter((l) => l !== listener); };
  }

  kill(): Promise<void> {
    if (!this.ended) { this.advance(); this.finish(true); }
    return this.done.then(() => undefined);
  }

  suspend(): void {
    if (this.ended || this.suspended) return;
    this.advance();
    this.suspended = true;
    this.disarm();
  }

  resume(): void {
    if (this.ended || !this.suspended) return;
    this.suspended = false;
    this.last = performance.now();
    this.arm();
  }

  setBandwidth(bytesPerSec: number): void {
    if (this.ended) return;
    this.advance(); // time so far ran at the old speed
    this.bandwidth = Math.max(0, bytesPerSec || 0);
    if (!this.suspended) { this.disarm(); this.arm(); }
  }

  /** Speed factor in (0, 1]: the bandwidth limit relative to the unthrottled speed. */
  private factor(): number {
    const base = this.plan.baseBytesPerSec;
    if (this.bandwidth <= 0 || !Number.isFinite(base) || base <= 0) return 1;
    return Math.min(1, this.bandwidth / base);
  }

  private advance(): void {
    const now = performance.now();
    if (!this.suspended && !this.ended) this.work = Math.min(this.plan.baseDurationMs, this.work + (now - this.last) * this.factor());
    this.last = now;
  }

  private arm(): void {
    const remainingMs = (this.plan.baseDurationMs - this.work) / this.factor();
    this.timer = setTimeout(() => this.tick(), Math.max(1, Math.min(this.plan.progressIntervalMs, Math.ceil(remainingMs))));
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    this.timer = undefined;
    this.advance();
    if (this.work >= this.plan.baseDurationMs) { this.finish(false); return; }
    this.publish(this.work / this.plan.baseDurationMs);
    this.arm();
  }

  private publish(fraction: number): void {
    const next = {
      bytesCopied: Math.floor(this.plan.stats.bytesCopied * fraction),
      filesCopied: Math.floor(this.plan.stats.filesCopied * fraction),
    };
    // Monotonic by construction, but guard anyway: progress must never go back.
    if (next.bytesCopied < this.current.bytesCopied || next.filesCopied < this.current.filesCopied) return;
    if (next.bytesCopied === this.current.bytesCopied && next.filesCopied === this.current.filesCopied) return;
    this.current = next;
    for (const l of this.listeners ?? []) l({ ...next });
  }

  private finish(killed: boolean): void {
    if (this.ended) return;
    this.disarm();
    if (!killed) this.publish(1);
    this.ended = true;
    const durationMs = performance.now() - this.t0;
    if (killed) {
      const stats = { ...this.plan.stats, filesCopied: this.current.filesCopied, bytesCopied: this.current.bytesCopied, filesSkipped: 0, bytesSkipped: 0, filesFailed: 0, bytesFailed: 0, extrasRemoved: 0 };
      this.resolveDone({ exitCode: KILLED_EXIT_CODE, exitMeaning: killedExitMeaning(), stats, errors: [], durationMs, killed: true });
    } else {
      const { exitCode, exitMeaning, stats, errors } = this.plan;
      this.resolveDone({ exitCode, exitMeaning, stats: { ...stats }, errors: [...errors], durationMs, killed: false });
    }
    this.listeners = undefined;
  }
}
