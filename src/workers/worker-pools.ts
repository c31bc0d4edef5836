import { WorkerPool, type PoolKind } from './worker-pool';

export interface WorkerPoolsOptions {
  /**
   * Kinds whose tasks run on one set of threads, those of `pool` (whose module answers the tasks
   * of every kind listed): a request for any of them gets that one pool, marked shared.
   */
  shareThreads?: { kinds: readonly string[]; pool: PoolKind };
}

/**
 * Every worker pool of one run (or one command), one per kind, made by the composition root and
 * closed by it in one call. Asking for a kind makes its pool object only; threads start on the
 * pool's first task (WorkerPool), so registering all kinds costs nothing.
 */
export class WorkerPools {
  private readonly pools = new Map<string, WorkerPool>();

  constructor(private readonly options: WorkerPoolsOptions = {}) {}

  /**
   * The pool of `spec.kind`, made on the first request. Later requests get the same pool even
   * when their thread counts differ: the first user of a kind (the root's, normally) sizes it.
   * A kind in `shareThreads` gets the shared pool, sized by its own spec.
   */
  pool(spec: PoolKind): WorkerPool {
    const share = this.options.shareThreads;
    const shared = share !== undefined && share.kinds.includes(spec.kind);
    const own = shared ? share.pool : spec;
    let pool = this.pools.get(own.kind);
    if (!pool) {
      pool = new WorkerPool(own, shared);
      this.pools.set(own.kind, pool);
    }
    return pool;
  }

  /** Kinds whose threads are up now (for tests and diagnostics). */
  startedKinds(): string[] {
    return [...this.pools.values()].filter((p) => p.started).map((p) => p.spec.kind);
  }

  /** Closes every pool; each may be used again afterwards (it restarts lazily). Idempotent. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}

/**
 * The pool of `kind` from `pools` when the root gave one, else a pool of the caller's own (a
 * scanner or engine built directly, by a test or a library program).
 */
export function poolFor(pools: WorkerPools | undefined, kind: PoolKind): WorkerPool {
  return pools ? pools.pool(kind) : new WorkerPool(kind);
}
