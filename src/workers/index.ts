export { WorkerPool, type PoolKind, type PoolRunOptions } from './worker-pool';
export { WorkerPools, poolFor, type WorkerPoolsOptions } from './worker-pools';
