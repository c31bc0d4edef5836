import type { Chunk, CopyJob, CopyOptions, CopyProgress, CopyResult } from '../api';
import { isWorkerProgress } from './protocol';

/** What a RemoteCopyJob asks of its dispatcher. */
export interface RemoteControl {
  cancel(attemptId: string): Promise<void>;
  control(attemptId: string, fields: Partial<Record<'suspend' | 'bandwidth', string>>): void;
}

/**
 * The coordinator's handle of one attempt that runs on some worker: progress from the worker's
 * absolute counters (only the newest epoch of this attempt id; a zombie's late reports are
 * dropped), `done` once BullMQ has the job completed or failed (its completion is fenced by the
 * job lock, so only one start of the attempt can finish it), controls as Redis control writes.
 */
export class RemoteCopyJob implements CopyJob {
  readonly startedAt = new Date();
  readonly done: Promise<CopyResult>;
  private resolveDone!: (r: CopyResult) => void;
  private settled = false;
  private latest: CopyProgress = { bytesCopied: 0, filesCopied: 0 };
  private epoch = -1;
  private readonly listeners = new Set<(p: CopyProgress) => void>();
  /** The worker that last reported progress (for logs). */
  worker?: string;

  /**
   * @param reports the attempt's per-file callbacks on the coordinator, fed from the worker's
   *   reports when the attempt completes (file-report.ts)
   */
  constructor(readonly chunk: Chunk, readonly attemptId: string, private readonly remote: RemoteControl,
    readonly reports: Pick<CopyOptions, 'onFileAction' | 'onDeletion'> = {}) {
    this.done = new Promise((r) => { this.resolveDone = r; });
  }

  get isSettled(): boolean { return this.settled; }

  progress(): CopyProgress { return this.latest; }

  onProgress(listener: (p: CopyProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A progress report from the queue; true when it was taken (this attempt, newest epoch). */
  accept(raw: unknown): boolean {
    if (this.settled || !isWorkerProgress(raw) || raw.attemptId !== this.attemptId || raw.epoch < this.epoch) return false;
    this.epoch = raw.epoch;
    this.worker = raw.worker;
    // A re-run on another host starts its counters again; the orchestrator's contract is monotonic counters per job.
    this.latest = {
      bytesCopied: Math.max(this.latest.bytesCopied, raw.bytesCopied),
      filesCopied: Math.max(this.latest.filesCopied, raw.filesCopied),
      ...(raw.currentFile ? { currentFile: raw.currentFile } : {}),
    };
    for (const l of this.listeners) l(this.latest);
    return true;
  }

  settle(result: CopyResult): void {
    if (this.settled) return;
    this.settled = true;
    this.listeners.clear();
    this.resolveDone(result);
  }

  async kill(): Promise<void> {
    if (this.settled) return;
    await this.remote.cancel(this.attemptId);
    await this.done;
  }

  suspend(): void { this.remote.control(this.attemptId, { suspend: '1' }); }

  resume(): void { this.remote.control(this.attemptId, { suspend: '0' }); }

  setBandwidth(bytesPerSec: number): void { this.remote.control(this.attemptId, { bandwidth: String(Math.max(0, Math.floor(bytesPerSec))) }); }
}
