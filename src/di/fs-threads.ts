import * as os from 'node:os';
import * as path from 'node:path';
import type { ProfileConfig } from '../config/types';
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
      pool: { kind: 'fs', filename: path.join(__dirname, 'fs-worker.js'), minThreads: threads, maxThreads: threads, concurrentTasksPerWorker: 4,
        // The scan walks on the main thread too: one thread fewer until a copy needs them all
        // (WorkerPool.widen; an unchanged re-run never boots the last one).
        startThreads: threads - 1 },
    },
  };
}

/**
 * Whether a run of `profiles` shares its scan's threads with a copy: only where this process
 * copies with the native engine. Otherwise (rsync, robocopy, a coordinator whose workers copy)
 * nothing runs on them after the scan, and the scan lets them go half a second after it ends
 * (worker-scanner.ts), so their heaps are not held through the copy.
 */
export function sharesFsThreads(profiles: readonly Pick<ProfileConfig, 'engine'>[], queue: string | undefined): boolean {
  return queue === undefined && profiles.some((p) => p.engine === 'native');
}
