import * as os from 'node:os';
import * as path from 'node:path';
import { Piscina } from 'piscina';
import type { BatchResult, BatchTask } from './batch-protocol';

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
    this.pool ??= new Piscina({ filename: path.join(__dirname, 'copy-worker.js'), minThreads: this.threads, maxThreads: this.threads });
    return this.pool.run(task) as Promise<BatchResult>;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }
}
