/**
 * The message protocol between the scanner (main thread) and its piscina workers. Plain,
 * structured-clone-safe data. A task carries only directory paths; a result carries one small
 * summary per directory walked, never per-file records, so a 1M-file tree crosses the thread
 * boundary as a few thousand summaries. Paths may carry names that are not UTF-8 as lone
 * surrogates (src/fs/byte-names); structured clone keeps them as they are.
 */
import type { ExcludeRules, ScanError, SkippedLink } from '../api';
import * as path from 'node:path';
import type { PoolKind } from '../workers';
import type { DigestFields } from '../api/digests';

/** Work for one worker call: walk these directories (depth first) until the budget is spent. */
export interface ScanTask {
  /** Absolute scan root; every relPath is under it. */
  root: string;
  /** Directories to walk, relative to root ('/'-separated; '' = the root itself). */
  dirs: string[];
  /**
   * Entries (files, dirs, links) to examine before handing unvisited directories back. Keeps
   * tasks short so work spreads over all workers even on a skewed tree.
   */
  budget: number;
  excludes: ExcludeRules;
  /** Digest each directory listed whole (listing-digest.ts), with these fields. */
  digest?: DigestFields;
  /** With `digest`: compare each digested directory with its copy below this root (compare-copy.ts). */
  compareWith?: string;
  /**
   * With `compareWith`: keep the listing of each directory not found up to date in its copy in
   * this arena (kept-listings.ts), for the copy pass; DirSummary.kept says where.
   */
  keepListings?: SharedArrayBuffer;
  /**
   * A listing is kept only when its directory's ctime is older than the listing's start by this
   * much (default KEPT_MIN_AGE_MS, kept-listings.ts); a test of a tree at rest may give 0.
   */
  keptMinAgeMs?: number;
}

/** What happened when a directory was read. */
export type DirState =
  /** Listed; counts are complete except for entries recorded as errors. */
  | 'ok'
  /** Exists but could not be listed (EACCES, EIO, ...): counts are 0, an error is recorded. */
  | 'unreadable'
  /** Vanished before it could be listed (ENOENT/ENOTDIR): not part of the tree. */
  | 'gone';

/** One directory the worker examined. Its parent is always reported before it. */
export interface DirSummary {
  relPath: string;
  ownFiles: number;
  ownBytes: number;
  state: DirState;
  /** Its copy (ScanTask.compareWith) is up to date with it, subdirectories aside (compare-copy.ts). */
  sameCopy?: true;
  /** Where its listing was kept in ScanTask.keepListings (kept-listings.ts). */
  kept?: number;
}

export interface ScanTaskResult {
  dirs: DirSummary[];
  errors: ScanError[];
  links: SkippedLink[];
  /** Regular files with more than one link: path and `dev:ino` (exact, from a bigint lstat). */
  hardLinked: Array<{ relPath: string; id: string }>;
  /** Directories found but not walked (budget spent): the main thread hands them out again. */
  pending: string[];
  /** With ScanTask.digest: the digest records (digest-table.ts) of the directories that have one. */
  digests?: Uint8Array;
  /** With ScanTask.compareWith: directories compared with their copy, and how many were the same. */
  compared?: { tried: number; same: number };
}

/** The scanner's workers: min = max, so none is torn down between a scan's bursts; all but one boot at once (startThreads). */
export function scanPoolKind(threads: number): PoolKind {
  // The main thread walks too (worker-scanner.ts mainStep): the last thread boots only when it stops.
  return { kind: 'scan', filename: path.join(__dirname, 'scan-worker.js'), minThreads: threads, maxThreads: threads, startThreads: threads - 1 };
}
