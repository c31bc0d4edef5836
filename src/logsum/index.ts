export { summarizeLog } from './summarize-log';
export { summarizeLogsInPool } from './summary-pool';
export { logExitStatus, renderLogSummaryJson, renderLogSummaryText } from './render';
export type { CountRow, FailedEntry, LogFileSummary, LogJob, LogTool } from './types';
