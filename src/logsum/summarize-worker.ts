/** piscina worker entry: summarizes one log file (logs can be hundreds of MB in any encoding). */
import { summarizeLog } from './summarize-log';
import type { LogFileSummary, SummarizeTask } from './types';

export default function summarizeLogTask(task: SummarizeTask): Promise<LogFileSummary> {
  return summarizeLog(task);
}
