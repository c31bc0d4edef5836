import { parseRobocopyLogFile } from './parse-log';
import type { ParsedRobocopyLog, ParseLogTask } from './types';

/** The piscina task: parse one log file (runs on a worker thread). */
export function parseLogTask(task: ParseLogTask): Promise<ParsedRobocopyLog> {
  return parseRobocopyLogFile(task.logPath, task.options);
}
