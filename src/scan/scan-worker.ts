/**
 * piscina worker entry: one exported function, typed input and output. Kept free of imports
 * beyond the walker so a worker thread starts fast.
 */
import type { ScanTask, ScanTaskResult } from './scan-protocol';
import { walkDirs } from './walk-dirs';

export default function scanTask(task: ScanTask): ScanTaskResult {
  return walkDirs(task);
}
