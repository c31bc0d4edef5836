import * as os from 'node:os';
import * as path from 'node:path';
import { Piscina } from 'piscina';
import type { HashPairsResult, HashPairsTask, ScanChunkResult, ScanChunkTask } from './verify-protocol';

/** Where verification work runs: worker threads in production, inline in unit tests. */
export interface VerifyWorkers {
  scanChunk(task: ScanChunkTask, signal?: AbortSignal): Promise<ScanChunkResult>;
  hashPairs(task: HashPairsTask, signal?: AbortSignal): Promise<HashPairsResult>;
  close(): Promise<void>;
}

/**
 * A piscina pool for verification, started on first use (a run without `verify` costs no
 * thread) and sized to the cores: hashing is CPU-bound once the data is in the page cache.
 */
export class VerifyPool implements VerifyWorkers {
  private pool?: Piscina;

  constructor(private readonly maxThreads = Math.max(1, Math.min(4, os.availableParallelism())), private readonly idleTimeoutMs = 10_000) {}

  private get piscina(): Piscina {
    this.pool ??= new Piscina({
      filename: path.join(__dirname, 'verify-worker.js'),
      minThreads: 0, maxThreads: this.maxThreads, idleTimeout: this.idleTimeoutMs,
    });
    return this.pool;
  }

  scanChunk(task: ScanChunkTask, signal?: AbortSignal): Promise<ScanChunkResult> {
    return this.piscina.run(task, { name: 'scanChunkTask', signal }) as Promise<ScanChunkResult>;
  }

  hashPairs(task: HashPairsTask, signal?: AbortSignal): Promise<HashPairsResult> {
    return this.piscina.run(task, { name: 'hashPairsTask', signal }) as Promise<HashPairsResult>;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }
}
