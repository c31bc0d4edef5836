import * as os from 'node:os';
import * as path from 'node:path';
import { Piscina } from 'piscina';
import type { BatchResult, BatchTask } from './batch-protocol';
import type { ListResult, ListTask } from './list-dir';

const TASKS_PER_THREAD = 4;

/**
 * The worker threads that copy batches of small files (copy-worker.ts), shared by every job of
 * one NativeCopier. Started on the first batch; close() releases them; idle workers do not keep
 * the process alive. Tasks are never cancelled through piscina (that would terminate a worker in
 * the middle of a copy and leave its temp file): jobs stop them with their shared flags.
 */
export class BatchPool {
  private pool: Piscina | undefined;

  constructor(private readonly threads = Math.max(2, os.availableParallelism())) {}

  run(task: BatchTask): Promise<BatchResult> {
    return this.threadsPool().run(task) as Promise<BatchResult>;
  }

  /** Lists one directory of the tree walk on a thread (list-dir.ts). */
  list(task: ListTask): Promise<ListResult> {
    return this.threadsPool().run(task, { name: 'listDirectory' }) as Promise<ListResult>;
  }

  private threadsPool(): Piscina {
    // Several tasks queued per thread: a thread that finishes one starts the next at once instead
    // of sleeping until the main thread has taken its result and handed it another (two thread
    // wake-ups per task, which left both sides half idle on a loaded machine).
    this.pool ??= new Piscina({
      filename: path.join(__dirname, 'copy-worker.js'), minThreads: this.threads, maxThreads: this.threads, concurrentTasksPerWorker: TASKS_PER_THREAD,
    });
    return this.pool;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }
}
