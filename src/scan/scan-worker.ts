/**
 * piscina worker entry: one exported function, typed input and output. Kept free of imports
 * beyond the walker so a worker thread starts fast.
 */
import type { ScanTask, ScanTaskResult } from './scan-protocol';
import { walkDirs } from './walk-dirs';

/** Called by name (`run(task, { name: 'scanTask' })`), so a shared module (di/fs-worker.ts) can answer it too. */
export function scanTask(task: ScanTask): ScanTaskResult {
  return walkDirs(task);
}

export default scanTask;
