import * as os from 'node:os';
import { poolFor, type WorkerPool, type WorkerPools } from '../workers';
import { verifyPoolKind, type HashPairsResult, type HashPairsTask, type ScanChunkResult, type ScanChunkTask } from './verify-protocol';

/** Where verification work runs: worker threads in production, inline in unit tests. */
export interface VerifyWorkers {
  scanChunk(task: ScanChunkTask, signal?: AbortSignal): Promise<ScanChunkResult>;
  hashPairs(task: HashPairsTask, signal?: AbortSignal): Promise<HashPairsResult>;
  close(): Promise<void>;
}

/**
 * The verification workers, started on first use (a run without `verify` costs no thread) and
 * sized to the cores: hashing is CPU-bound once the data is in the page cache.
 */
export class VerifyPool implements VerifyWorkers {
  private readonly pool: WorkerPool;

  constructor(maxThreads = Math.max(1, Math.min(4, os.availableParallelism())), idleTimeoutMs = 10_000, pools?: WorkerPools) {
    this.pool = poolFor(pools, verifyPoolKind(maxThreads, idleTimeoutMs));
  }

  scanChunk(task: ScanChunkTask, signal?: AbortSignal): Promise<ScanChunkResult> {
    return this.pool.run<ScanChunkResult>(task, { name: 'scanChunkTask', signal });
  }

  hashPairs(task: HashPairsTask, signal?: AbortSignal): Promise<HashPairsResult> {
    return this.pool.run<HashPairsResult>(task, { name: 'hashPairsTask', signal });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
