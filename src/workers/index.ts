export { WorkerPool, type PoolKind, type PoolRunOptions } from './worker-pool';
export { WorkerPools, poolFor } from './worker-pools';
