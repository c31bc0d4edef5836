/**
 * The message protocol between RobocopyLogParserPool and its worker, and the parser's output.
 * Plain data only (structured-clone safe).
 */
import * as path from 'node:path';
import type { PoolKind } from '../../../workers';

/** One row of the summary table, by column position (robocopy's order). */
export interface SummaryRow {
  total: number;
  copied: number;
  skipped: number;
  mismatch: number;
  failed: number;
  extras: number;
}

/** The Times row, in seconds (Skipped and Mismatch have no time column). */
export interface SummaryTimes {
  total: number;
  copied: number;
  failed: number;
  extras: number;
}

/** One ERROR block: `<timestamp> <word> <code> (0x<hex>) <action> <path>` + message line. */
export interface RobocopyLogError {
  /** As written, e.g. `2025/12/30 00:49:06`. */
  timestamp: string;
  /** Windows error number (5 = access denied). */
  code: number;
  /** The hex form robocopy prints, e.g. `0x00000005`. */
  hex: string;
  /** Localised action ("Copying File", "Копирование файла"). */
  action: string;
  path: string;
  /** The system message on the next line ("Access is denied."), '' if there was none. */
  message: string;
  /** How many ERROR blocks named this path in this job (robocopy's own retries). */
  occurrences: number;
}

/** The summary of one robocopy job (a log holds several when written with /LOG+). */
export interface RobocopyJobSummary {
  dirs: SummaryRow;
  files: SummaryRow;
  bytes: SummaryRow;
  times?: SummaryTimes;
  /** First Speed line, bytes per second. */
  speedBytesPerSec?: number;
  /** Second Speed line, megabytes (MiB) per minute. */
  speedMegaBytesPerMin?: number;
  /** The value of the Ended line, verbatim (localised date). */
  ended?: string;
  /** Error blocks of this job, one per path (the last occurrence), in order of first sight. */
  errors: RobocopyLogError[];
}

/** Encodings the detector can report (iconv-lite names for OEM code pages). */
export type LogEncoding = 'utf16le' | 'utf16be' | 'utf8' | `cp${number}`;

/**
 * A per-file line of the log whose path is not plain ASCII: the one kind of name a console in an
 * OEM code page may show mangled ('?', U+FFFD) while /UNILOG, UTF-16 like Windows names, has it
 * exactly. `\tNew File  \t\t  1234\tC:\\src\\caf\u00e9.txt`, `\t*EXTRA Dir  -1\tD:\\old\\`.
 */
export interface RobocopyNameLine {
  /** The class as written (localised: "New File", "*EXTRA File", "Neue Datei", ...). */
  cls: string;
  /** Full path (/FP): the source file, or for an extra the destination entry. */
  path: string;
}

export interface ParsedRobocopyLog {
  /** True when at least one complete summary was found and no job was left without one. */
  parsed: boolean;
  encoding: LogEncoding | null;
  /** How the encoding was chosen: 'bom', 'nul-pattern', 'utf8-valid', 'option', 'known', 'guessed'. */
  encodingReason: string;
  /** Complete job summaries, in log order. */
  jobs: RobocopyJobSummary[];
  /** Sum over `jobs` (zeros when there are none). */
  totals: { dirs: SummaryRow; files: SummaryRow; bytes: SummaryRow };
  /** Every job's errors, flattened, deduplicated per job by path. */
  errors: RobocopyLogError[];
  /** File lines with a path that is not ASCII or holds a '?', in log order (at most MAX_NAME_LINES). */
  nameLines: RobocopyNameLine[];
  /** Why the log could not be (fully) used: missing, empty, truncated, no summary. */
  warnings: string[];
  bytesRead: number;
  lines: number;
}

export interface ParseLogOptions {
  /**
   * The encoding the log is known to be in: no detection at all. robocurse's own chunk logs are
   * always /UNILOG (UTF-16LE), so they are never guessed at.
   */
  encoding?: LogEncoding;
  /** OEM code page to use when the log is neither UTF-16 nor UTF-8 (e.g. 850, 'cp866'). */
  codePage?: number | string;
  /** Candidates tried, best-scoring first, when no code page is given. */
  candidateCodePages?: readonly (number | string)[];
}

/** What the worker receives. */
export interface ParseLogTask {
  logPath: string;
  options?: ParseLogOptions;
}

export function zeroRow(): SummaryRow {
  return { total: 0, copied: 0, skipped: 0, mismatch: 0, failed: 0, extras: 0 };
}

/** The log parser's workers (parser-worker.ts): parsing is I/O-bound and the copies need the CPU more. */
export function robocopyParsePoolKind(maxThreads = 1, idleTimeoutMs = 30_000): PoolKind {
  return { kind: 'robocopy-parse', filename: path.join(__dirname, 'parser-worker.js'), minThreads: 0, maxThreads, idleTimeoutMs };
}
