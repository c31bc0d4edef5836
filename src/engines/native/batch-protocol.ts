import type { DirMode, DirRef } from '../../fs/dir-ref';
import type { SizeAgeFilter } from '../../api/selection';
import type { DestKind } from './copy-one';
import * as path from 'node:path';
import type { PoolKind } from '../../workers';

/** Indices into a job's shared control flags (an Int32Array over a SharedArrayBuffer). */
export const FLAG_KILLED = 0;
export const FLAG_SUSPENDED = 1;

/**
 * A batch of small files of one directory, copied by one worker thread, one after another.
 * Flat and compact on purpose: a task crosses threads by structured clone, and with tens of
 * thousands of batches per run, per-file objects cost more to clone than the files to copy.
 */
export interface BatchTask {
  /** Both directories as the job checked them: the worker opens and re-checks them (dir-ref.ts). */
  src: DirRef;
  dst: DirRef;
  mode: DirMode;
  /** Source names (surrogate-escaped where not UTF-8: byte-names.ts). */
  names: string[];
  /**
   * Destination names where they differ from the source's (a case-insensitive destination that
   * keeps its own case); absent when every name is the same.
   */
  dstNames?: string[];
  /** What the destination listing showed per name: one DEST_CODES letter per file. */
  dests: string;
  /** The job's control flags: read before each file, so a kill or suspend lands within one file. */
  flags: Int32Array;
  /** Files larger than this are handed back, to be streamed on the main thread. */
  streamThresholdBytes: number;
  mtimeWindowMs: number;
  /** What is kept besides the data (keep-flags.ts). */
  keep: number;
  /** The process umask (a worker cannot read it), for modes that are not kept. */
  umask: number;
  /** Temp-name tags reserved for this batch: file i uses tagOf(tagPrefix, tagFirst + i). */
  tagPrefix: string;
  tagFirst: number;
  /** Files the size or age filters leave out (api/selection.ts): neither copied nor counted. */
  sizeAge?: SizeAgeFilter;
}

export const DEST_CODES: Record<DestKind, string> = { none: 'n', file: 'f', dir: 'd', other: 'o' };

/**
 * What became of each file: copied / upToDate (size = its size), failed (an fs error, in
 * `errors`), notFile (changed type since the listing), dirInWay (a destination directory has its
 * name), handBack (not copied: the main thread copies it — large, sparse, a name of a hard-linked
 * inode, or unchanged data whose owner, mode or attributes differ), notStarted (not touched:
 * killed or suspended first), filtered (left out by the size or age filters).
 */
export const enum Outcome { Copied = 0, UpToDate = 1, Failed = 2, NotFile = 3, DirInWay = 4, HandBack = 5, NotStarted = 6, Filtered = 7 }

/** Outcomes after which the destination directory was not written: the file was only looked at. */
const ONLY_LOOKED = new Set<Outcome>([Outcome.UpToDate, Outcome.Filtered, Outcome.NotFile, Outcome.DirInWay]);

/** A batch may have written in its destination directory (made, replaced or left a file there). */
export function batchWrote(r: BatchResult): boolean {
  return !r.outcomes.every((o) => ONLY_LOOKED.has(o));
}

export interface BatchResult {
  /** One Outcome per file, in the task's order. */
  outcomes: Uint8Array;
  /** Size of each file as lstat saw it (0 when it could not be read). */
  sizes: Float64Array;
  /** The failures, by index into the task's files. */
  errors: Array<{ index: number; code: string; message: string }>;
  /** Extended attributes a copied file did not get (it was copied): which, and the errno code. */
  notKept: Array<{ index: number; name: string; code: string }>;
}

/**
 * The native engine's copy workers (copy-worker.ts): a fixed number, shared by every job of the
 * copier. Several tasks queued per thread: a thread that finishes one starts the next at once
 * instead of sleeping until the main thread has taken its result and handed it another (two
 * thread wake-ups per task, which left both sides half idle on a loaded machine).
 */
export function nativeCopyPoolKind(threads: number): PoolKind {
  return { kind: 'native-copy', filename: path.join(__dirname, 'copy-worker.js'), minThreads: threads, maxThreads: threads, concurrentTasksPerWorker: 4 };
}
