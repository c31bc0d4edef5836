import type { Piscina } from 'piscina';

/**
 * One kind of worker: the module its threads run and how many of them. The module that owns a
 * kind's message types (its protocol module) describes the kind too; nothing here knows them.
 */
export interface PoolKind {
  /** Names the kind (one pool per kind in a WorkerPools): 'scan', 'verify', 'native-copy'... */
  readonly kind: string;
  /** Absolute path of the compiled worker module. */
  readonly filename: string;
  /** Threads kept while the pool lives (0: all may exit when idle). */
  readonly minThreads: number;
  readonly maxThreads: number;
  /** An idle thread above minThreads exits after this long (piscina's default when unset). */
  readonly idleTimeoutMs?: number;
  /** Tasks handed to one thread at a time (piscina's default 1 when unset). */
  readonly concurrentTasksPerWorker?: number;
}

export interface PoolRunOptions {
  /** The worker module's export to call (default: its default export). */
  name?: string;
  /** Aborting cancels the task (piscina terminates the thread running it). */
  signal?: AbortSignal;
}

/**
 * A piscina pool of one kind that boots its threads on first use, never before: a command that
 * does not need a kind of worker pays nothing for it at start-up. close() releases the threads;
 * a later run starts a new pool, so a closed pool is never a trap for a late caller. Idle
 * threads do not keep the process alive (piscina unrefs them). piscina itself (14 modules) is
 * loaded with the first pool that boots, for the same reason.
 */
export class WorkerPool {
  private pool: Piscina | undefined;
  /** The last error piscina reported outside any task (see piscina()). */
  lastError: unknown;

  /**
   * `shared`: tasks of several kinds run on these threads (WorkerPools `shareThreads`). A user
   * then never cancels a task through piscina (that terminates the thread, and with it whatever
   * task of another kind it runs) and never closes the pool before the end of the run.
   */
  constructor(readonly spec: PoolKind, readonly shared = false) {}

  /** Whether threads are up (or booting) now. */
  get started(): boolean {
    return this.pool !== undefined;
  }

  /** Threads this pool has now (0 before the first run and after close). */
  get threadCount(): number {
    return this.pool?.threads.length ?? 0;
  }

  /** The ids of those threads (a thread terminated and replaced shows as a new id). */
  get threadIds(): number[] {
    return this.pool?.threads.map((t) => t.threadId) ?? [];
  }

  /** Boots the threads now, so they load while the caller does something else. Optional. */
  warmUp(): void {
    this.piscina();
  }

  run<TResult>(task: unknown, options: PoolRunOptions = {}): Promise<TResult> {
    return this.piscina().run(task, options) as Promise<TResult>;
  }

  /** Destroys the threads (waiting for them to exit); idempotent. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  private piscina(): Piscina {
    if (this.pool) return this.pool;
    const { filename, minThreads, maxThreads, idleTimeoutMs, concurrentTasksPerWorker } = this.spec;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pool = new (require('piscina') as typeof import('piscina')).Piscina({
      filename, minThreads, maxThreads: Math.max(1, maxThreads, minThreads),
      ...(idleTimeoutMs === undefined ? {} : { idleTimeout: idleTimeoutMs }),
      ...(concurrentTasksPerWorker === undefined ? {} : { concurrentTasksPerWorker }),
    });
    // piscina emits 'error' where no task is left to reject: the result of a task cancelled
    // through its signal that the thread had already sent ("Unexpected message from Worker"),
    // or a thread that died idle (it is replaced). Unheard, that event threw in the main thread
    // and ended the process: an aborted scan could crash a run. Kept for diagnostics.
    pool.on('error', (err: unknown) => { this.lastError = err; });
    this.pool = pool;
    return pool;
  }
}
