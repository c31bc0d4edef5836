import type { Chunk, CopyJob, CopyOptions, CopyProgress, CopyResult, ExitMeaning } from '../../api';
import { emptyStats } from '../../api';
import { deleteLimitExitMeaning } from '../delete-limit';
import { KILLED_EXIT_CODE, killedExitMeaning } from '../exit-meaning';
import { countMirrorDeletions } from './mirror-deletions';

/**
 * Work an engine needs done before it starts (asynchronously, while the job already exists):
 * resolves undefined to start the engine, or the meaning of a result that ends the job without
 * running it. A throw ends the job Error, retryable.
 */
export type JobGate = () => Promise<ExitMeaning | undefined>;

/**
 * maxDeletes for an engine without a deletion limit of its own: counts what the mirror would
 * delete (countMirrorDeletions) and starts the engine only when that is within the limit;
 * otherwise the job ends Error without retry, having run nothing and deleted nothing. While the
 * count runs the job is a job like any other: kill ends it, progress is zero. Another `gate` (the
 * rsync engine's selection rules) takes the count's place.
 */
export class PreviewGatedJob implements CopyJob {
  readonly startedAt = new Date();
  readonly done: Promise<CopyResult>;
  private inner?: CopyJob;
  private killed = false;
  private suspended = false;
  private bandwidth?: number;
  /** Progress listeners, with their subscription on the engine's job once it runs. */
  private readonly listeners = new Map<(p: CopyProgress) => void, (() => void) | undefined>();

  constructor(readonly chunk: Chunk, private readonly options: CopyOptions & { maxDeletes?: number }, private readonly startEngine: () => CopyJob, gate?: JobGate) {
    this.done = this.run(gate ?? (() => this.deletionGate()));
  }

  get pid(): number | undefined { return this.inner?.pid; }

  private async deletionGate(): Promise<ExitMeaning | undefined> {
    let wanted: number;
    try {
      wanted = await countMirrorDeletions(this.chunk, this.options);
    } catch (err) {
      return { severity: 'Error', shouldRetry: true, message: `cannot count what the mirror would delete: ${(err as Error).message}` };
    }
    const limit = this.options.maxDeletes ?? Infinity;
    if (wanted <= limit) return undefined;
    this.options.logger.warn({ chunkId: this.chunk.id, wanted, limit }, `maxDeletes: the mirror of chunk ${this.chunk.id} would delete ${wanted} entries; limit ${limit}: not started`);
    return deleteLimitExitMeaning({
      profile: this.chunk.profile, limit, deleted: 0, held: wanted, dryRun: this.options.dryRun,
      engineMessage: `The engine was not started: ${wanted} entries would have been deleted (counted before the copy).`,
    });
  }

  private async run(gate: JobGate): Promise<CopyResult> {
    const t0 = Date.now();
    let stop: ExitMeaning | undefined;
    try {
      stop = await gate();
    } catch (err) {
      stop = { severity: 'Error', shouldRetry: true, message: `could not prepare the copy: ${(err as Error).message}` };
    }
    if (this.killed) return { exitCode: KILLED_EXIT_CODE, exitMeaning: killedExitMeaning(), stats: emptyStats(), errors: [], durationMs: Date.now() - t0, killed: true };
    if (stop) return this.ended(t0, stop);
    this.inner = this.startEngine();
    for (const l of this.listeners.keys()) this.listeners.set(l, this.inner.onProgress(l));
    if (this.suspended) this.inner.suspend?.();
    if (this.bandwidth !== undefined) this.inner.setBandwidth?.(this.bandwidth);
    return this.inner.done;
  }

  private ended(t0: number, exitMeaning: CopyResult['exitMeaning']): CopyResult {
    return { exitCode: -1, exitMeaning, stats: emptyStats(), errors: [], durationMs: Date.now() - t0, killed: false };
  }

  progress(): CopyProgress {
    return this.inner?.progress() ?? { bytesCopied: 0, filesCopied: 0 };
  }

  onProgress(listener: (p: CopyProgress) => void): () => void {
    this.listeners.set(listener, this.inner?.onProgress(listener));
    return () => { this.listeners.get(listener)?.(); this.listeners.delete(listener); };
  }

  async kill(): Promise<void> {
    this.killed = true;
    await this.inner?.kill();
    await this.done;
  }

  suspend(): void {
    this.suspended = true;
    this.inner?.suspend?.();
  }

  resume(): void {
    this.suspended = false;
    this.inner?.resume?.();
  }

  setBandwidth(bytesPerSec: number): void {
    this.bandwidth = bytesPerSec;
    this.inner?.setBandwidth?.(bytesPerSec);
  }
}
