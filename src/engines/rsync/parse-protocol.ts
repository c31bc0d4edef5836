/**
 * The message protocol between an rsync job (main thread) and the piscina worker that parses
 * its output. Plain data only: it crosses a thread boundary by structured clone.
 */
import type { CopyStats, FileError } from '../../api';
import * as path from 'node:path';
import type { PoolKind } from '../../workers';

/** rsync's output for one job. */
export interface RsyncParseRequest {
  /**
   * stdout: the whole of it, or at least every line that is neither a progress line nor a
   * per-file (itemize) line; the job drops those to keep memory flat on big chunks.
   */
  stdout: string;
  stderr: string;
  /**
   * Look up the size of each source file that failed (for `bytesFailed`). Only the worker does
   * it: it is blocking file-system work the main thread must not do.
   */
  statFailedSources?: boolean;
}

/** The counters of rsync's `--stats` block; undefined when a line was absent. */
export interface RsyncTotals {
  files?: number;
  regularFiles?: number;
  createdDirs?: number;
  deletedFiles?: number;
  regularFilesTransferred?: number;
  totalFileSize?: number;
  transferredFileSize?: number;
}

/** A per-path problem from stderr, with the context rsync gave it. */
export interface RsyncFileError extends FileError {
  /** rsync's role that reported it: sender, receiver, generator, or '' when unnamed. */
  role: string;
  /** The failure was a file transfer rsync counted as transferred (open, write, rename...). */
  transfer: boolean;
  /** The source file vanished during the run (not counted as failed). */
  vanished: boolean;
}

/** Everything the job needs to build its CopyResult. */
export interface RsyncReport {
  /** False when stdout held no statistics block (rsync was killed or gave up early). */
  statsFound: boolean;
  totals: RsyncTotals;
  stats: CopyStats;
  errors: RsyncFileError[];
  /** Conditions worth a line in the result message ("IO error ... skipping file deletion"). */
  notes: string[];
}

/** The rsync output parser's workers (parse-worker.ts): few, and gone when idle. */
export function rsyncParsePoolKind(maxThreads = 1, idleTimeoutMs = 5000): PoolKind {
  return { kind: 'rsync-parse', filename: path.join(__dirname, 'parse-worker.js'), minThreads: 0, maxThreads: Math.max(1, maxThreads), idleTimeoutMs };
}
