import * as os from 'node:os';
import * as path from 'node:path';
import type { WorkerPoolsOptions } from '../workers';

/**
 * A run's scan and native copy share their threads (fs-worker.ts): the composition root's
 * WorkerPools hands both kinds one pool of this module. Sized as the copy pool was (the scan
 * asked for one thread per CPU, the copy for at least two); several tasks queued per thread, as
 * the copy pool had (batch-protocol.ts nativeCopyPoolKind).
 */
export function fsThreads(threads = Math.max(2, os.availableParallelism())): WorkerPoolsOptions {
  return {
    shareThreads: {
      kinds: ['scan', 'native-copy'],
      pool: { kind: 'fs', filename: path.join(__dirname, 'fs-worker.js'), minThreads: threads, maxThreads: threads, concurrentTasksPerWorker: 4 },
    },
  };
}
