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
  /**
   * Threads booted on first use, when fewer than minThreads: the others boot only on widen().
   * Each thread costs ~100-150 ms of CPU to boot; a user that needs fewer at first (the scan,
   * whose main thread walks too) spares that where no wider work follows.
   */
  readonly startThreads?: number;
}

export interface PoolRunOptions {
  /** The worker module's export to call (default: its default export). */
  name?: string;
  /** Aborting cancels the task (piscina terminates the thread running it). */
  signal?: AbortSignal;
}

/** One piscina instance of a pool and the tasks it runs now. */
interface Part {
  readonly piscina: Piscina;
  readonly threads: number;
  inFlight: number;
}

/**
 * A piscina pool of one kind that boots its threads on first use, never before: a command that
 * does not need a kind of worker pays nothing for it at start-up. close() releases the threads;
 * a later run starts a new pool, so a closed pool is never a trap for a late caller. Idle
 * threads do not keep the process alive (piscina unrefs them). piscina itself (14 modules) is
 * loaded with the first pool that boots, for the same reason.
 *
 * A kind with `startThreads` boots that many threads first and the rest on widen(), as a second
 * piscina instance of the same module (piscina grows a pool only when a task finds no free
 * slot, and then at once, while threads boot: no way to hold the rest back). Tasks go to the
 * instance with the lower share of its threads busy.
 */
export class WorkerPool {
  private parts: Part[] = [];
  /** widen() was called: the threads held back are wanted (booted with the first ones if not up yet). */
  private wide = false;
  /** The last error piscina reported outside any task (see start()). */
  lastError: unknown;

  /**
   * `shared`: tasks of several kinds run on these threads (WorkerPools `shareThreads`). A user
   * then never cancels a task through piscina (that terminates the thread, and with it whatever
   * task of another kind it runs) and never closes the pool before the end of the run.
   */
  constructor(readonly spec: PoolKind, readonly shared = false) {}

  /** Whether threads are up (or booting) now. */
  get started(): boolean {
    return this.parts.length > 0;
  }

  /** Threads this pool has now (0 before the first run and after close). */
  get threadCount(): number {
    return this.parts.reduce((n, p) => n + p.piscina.threads.length, 0);
  }

  /** The ids of those threads (a thread terminated and replaced shows as a new id). */
  get threadIds(): number[] {
    return this.parts.flatMap((p) => p.piscina.threads.map((t) => t.threadId));
  }

  /** Threads tasks are spread over now, or will be on first use: what a user sizes its tasks in flight by. */
  get width(): number {
    return this.started ? this.parts.reduce((n, p) => n + p.threads, 0) : this.firstBounds().max;
  }

  /** Boots the threads now, so they load while the caller does something else. Optional. */
  warmUp(): void {
    this.first();
  }

  /**
   * Boots the threads a `startThreads` kind held back, beside its first ones; idempotent. A pool
   * not started yet boots nothing now (a small tree's scan may need no thread at all): its first
   * use then boots all of them at once.
   */
  widen(): void {
    if (this.wide) return;
    const rest = this.spec.minThreads - this.firstBounds().max;
    if (rest <= 0) return;
    this.wide = true;
    if (this.parts.length === 1) this.parts.push(this.start({ min: rest, max: rest }));
  }

  run<TResult>(task: unknown, options: PoolRunOptions = {}): Promise<TResult> {
    this.first();
    const part = this.parts.reduce((a, b) => ((b.inFlight + 1) / b.threads < (a.inFlight + 1) / a.threads ? b : a));
    part.inFlight++;
    const done = (): void => { part.inFlight--; };
    const result = part.piscina.run(task, options) as Promise<TResult>;
    result.then(done, done);
    return result;
  }

  /** Destroys the threads (waiting for them to exit); idempotent. */
  async close(): Promise<void> {
    const parts = this.parts;
    this.parts = [];
    this.wide = false;
    await Promise.all(parts.map((p) => p.piscina.destroy()));
  }

  /**
   * The first instance's bounds: a held-back kind's first threads only (piscina would otherwise
   * boot the rest at once for the tasks queued while the first ones boot), else the spec's own.
   */
  private firstBounds(): { min: number; max: number } {
    const { startThreads, minThreads, maxThreads } = this.spec;
    if (!this.wide && startThreads !== undefined && startThreads >= 1 && startThreads < minThreads) return { min: startThreads, max: startThreads };
    return { min: minThreads, max: Math.max(1, maxThreads, minThreads) };
  }

  /** The first instance, started now if need be. */
  private first(): Part {
    if (this.parts.length === 0) this.parts.push(this.start(this.firstBounds()));
    return this.parts[0];
  }

  private start(bounds: { min: number; max: number }): Part {
    const { filename, idleTimeoutMs, concurrentTasksPerWorker } = this.spec;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const piscina = new (require('piscina') as typeof import('piscina')).Piscina({
      filename, minThreads: bounds.min, maxThreads: bounds.max,
      ...(idleTimeoutMs === undefined ? {} : { idleTimeout: idleTimeoutMs }),
      ...(concurrentTasksPerWorker === undefined ? {} : { concurrentTasksPerWorker }),
    });
    // piscina emits 'error' where no task is left to reject: the result of a task cancelled
    // through its signal that the thread had already sent ("Unexpected message from Worker"),
    // or a thread that died idle (it is replaced). Unheard, that event threw in the main thread
    // and ended the process: an aborted scan could crash a run. Kept for diagnostics.
    piscina.on('error', (err: unknown) => { this.lastError = err; });
    return { piscina, threads: bounds.max, inFlight: 0 };
  }
}
