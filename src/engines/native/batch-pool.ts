import * as os from 'node:os';
import { poolFor, type WorkerPool, type WorkerPools } from '../../workers';
import { nativeCopyPoolKind, type BatchResult, type BatchTask } from './batch-protocol';
import type { ListResult, ListTask } from './list-dir';
import type { CleanWalkResult, CleanWalkTask } from './clean-walk';

/**
 * The worker threads that copy batches of small files (copy-worker.ts), shared by every job of
 * one NativeCopier. Started on the first batch; close() releases them; idle workers do not keep
 * the process alive. Tasks are never cancelled through piscina (that would terminate a worker in
 * the middle of a copy and leave its temp file): jobs stop them with their shared flags.
 */
export class BatchPool {
  private readonly pool: WorkerPool;

  constructor(threads = Math.max(2, os.availableParallelism()), pools?: WorkerPools) {
    this.pool = poolFor(pools, nativeCopyPoolKind(threads));
  }

  run(task: BatchTask): Promise<BatchResult> {
    return this.threads().run<BatchResult>(task);
  }

  /** Lists one directory of the tree walk on a thread (list-dir.ts). */
  list(task: ListTask): Promise<ListResult> {
    return this.threads().run<ListResult>(task, { name: 'listDirectory' });
  }

  /** Lists several directories of the tree walk in one task (list-dir.ts, listDirectories). */
  listMany(tasks: ListTask[]): Promise<ListResult[]> {
    return this.threads().run<ListResult[]>(tasks, { name: 'listDirectories' });
  }

  /** Walks subtrees on a thread as far as nothing needs doing (clean-walk.ts). */
  walk(task: CleanWalkTask): Promise<CleanWalkResult> {
    return this.threads().run<CleanWalkResult>(task, { name: 'walkClean' });
  }

  /** The pool at its full width: threads a shared pool held back for the copy boot now (WorkerPool.widen). */
  private threads(): WorkerPool {
    this.pool.widen();
    return this.pool;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
