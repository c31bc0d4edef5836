import * as os from 'node:os';
import { WorkerPools } from '../workers';
import { summaryPoolKind, type LogFileSummary, type SummarizeTask } from './types';

/**
 * Summarizes logs on worker threads, several files at once; results in the order asked. The
 * pool comes from `pools` (closed by whoever made them), else from a set of its own, closed here.
 */
export async function summarizeLogsInPool(tasks: SummarizeTask[], maxThreads = Math.max(1, Math.min(4, os.availableParallelism())), pools?: WorkerPools): Promise<LogFileSummary[]> {
  const own = pools ? undefined : new WorkerPools();
  const pool = (pools ?? own!).pool(summaryPoolKind(Math.min(maxThreads, Math.max(1, tasks.length))));
  try {
    return await Promise.all(tasks.map(async (t) => {
      try {
        return await pool.run<LogFileSummary>(t);
      } catch (e) {
        return { file: t.file, tool: null, encoding: null, jobs: [], failed: [], warnings: [], unusable: `the log reader failed on ${t.file}: ${(e as Error).message}` };
      }
    }));
  } finally {
    await own?.closeAll();
  }
}
