import * as os from 'node:os';
import * as path from 'node:path';
import { Piscina } from 'piscina';
import type { LogFileSummary, SummarizeTask } from './types';

/** Summarizes logs on worker threads, several files at once; results in the order asked. */
export async function summarizeLogsInPool(tasks: SummarizeTask[], maxThreads = Math.max(1, Math.min(4, os.availableParallelism()))): Promise<LogFileSummary[]> {
  const pool = new Piscina({ filename: path.join(__dirname, 'summarize-worker.js'), minThreads: 0, maxThreads: Math.min(maxThreads, Math.max(1, tasks.length)) });
  try {
    return await Promise.all(tasks.map(async (t) => {
      try {
        return (await pool.run(t)) as LogFileSummary;
      } catch (e) {
        return { file: t.file, tool: null, encoding: null, jobs: [], failed: [], warnings: [], unusable: `the log reader failed on ${t.file}: ${(e as Error).message}` };
      }
    }));
  } finally {
    await pool.destroy();
  }
}
