/**
 * What `robocurse log summarize` makes of one log file, whichever tool wrote it. Plain data: it
 * is built on a worker thread and crosses to the main thread by structured clone.
 */
import type { SummaryRow } from '../engines/robocopy/log/types';
import * as path from 'node:path';
import type { PoolKind } from '../workers';

/** One row of counts in robocopy's columns (rsync fills what it reports). */
export type CountRow = SummaryRow;

/** A file (or directory) a job could not copy. */
export interface FailedEntry {
  path: string;
  /** Windows error number (robocopy) or errno name (rsync). */
  code: string;
  message: string;
  /** The job it belongs to (1-based); 0 for errors of a job that never printed its summary. */
  job: number;
}

export interface LogJob {
  /** 1-based, in log order. */
  index: number;
  /** The job printed its closing summary (robocopy's table, rsync's "total size is" line). */
  complete: boolean;
  dirs?: CountRow;
  files?: CountRow;
  bytes?: CountRow;
  /** rsync's exit code, as its last "rsync error: ... (code N)" line gave it. */
  exitCode?: number;
  /** rsync: files the job reported as vanished from the source (not failures). */
  vanished?: number;
  /** robocopy: the Ended line, verbatim; rsync: the "sent ... received ..." line. */
  ended?: string;
  speedBytesPerSec?: number;
  failed: number;
}

export type LogTool = 'robocopy' | 'rsync';

export interface LogFileSummary {
  /** As given on the command line. */
  file: string;
  /** Which tool wrote the log; null when it is neither (or empty, or unreadable). */
  tool: LogTool | null;
  /** The text encoding the log was read in ('utf8', 'utf16le', 'cp850', ...). */
  encoding: string | null;
  jobs: LogJob[];
  failed: FailedEntry[];
  /** Why the log could not be (fully) used. */
  warnings: string[];
  /** The file could not be read at all, or is not a robocopy or rsync log. */
  unusable?: string;
}

export interface SummarizeTask {
  file: string;
  /** Absolute path to read (the file as given, resolved against the cwd). */
  path: string;
  /** The code page of logs that are neither UTF-16 nor UTF-8 (`--code-page`); detected when absent. */
  codePage?: string;
}

/** `log summarize`'s workers (summarize-worker.ts): one file per task, several at once. */
export function summaryPoolKind(maxThreads: number): PoolKind {
  return { kind: 'log-summary', filename: path.join(__dirname, 'summarize-worker.js'), minThreads: 0, maxThreads };
}
