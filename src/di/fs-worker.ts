/**
 * The module of a run's file-system threads (fs-threads.ts): the scan's tasks and the native
 * engine's copy tasks on one set of threads, so a run boots its threads once, not once for the
 * scan and again for the copy (~100 ms of wall time and of CPU per thread on a small machine).
 * Each part is loaded on its first task: a thread that only scans (`plan`, `verify`, a run with
 * another engine) never loads the copy code, and the reverse.
 */
import type { ScanTask, ScanTaskResult } from '../scan/scan-protocol';
import type { BatchResult, BatchTask } from '../engines/native/batch-protocol';
import type { ListResult, ListTask } from '../engines/native/list-dir';
import type { CleanWalkResult, CleanWalkTask } from '../engines/native/clean-walk';

/* eslint-disable @typescript-eslint/no-require-imports */
const scanner = (): typeof import('../scan/scan-worker') => require('../scan/scan-worker') as typeof import('../scan/scan-worker');
const copier = (): typeof import('../engines/native/copy-worker') => require('../engines/native/copy-worker') as typeof import('../engines/native/copy-worker');
/* eslint-enable @typescript-eslint/no-require-imports */

/** `run(task, { name: 'scanTask' })`: scan-worker.ts. */
export function scanTask(task: ScanTask): ScanTaskResult {
  return scanner().default(task);
}

/** The default task, as in copy-worker.ts: a batch of small files. */
export default function copyBatch(task: BatchTask): BatchResult {
  return copier().default(task);
}

export function listDirectory(task: ListTask): ListResult {
  return copier().listDirectory(task);
}

export function listDirectories(tasks: ListTask[]): ListResult[] {
  return copier().listDirectories(tasks);
}

export function walkClean(task: CleanWalkTask): CleanWalkResult {
  return copier().walkClean(task);
}
