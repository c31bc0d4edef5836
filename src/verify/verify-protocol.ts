/**
 * The message protocol between the verifier (main thread) and its piscina worker. Plain data
 * only: it crosses a thread boundary by structured clone. Paths are surrogate-escaped strings
 * (src/fs/byte-names), relative paths '/'-separated and relative to the chunk's directory.
 */
import type { ExcludeRules, VerifyFindingKind } from '../api';
import * as path from 'node:path';
import type { PoolKind } from '../workers';

/** What a verification compares besides presence, type and size. */
export interface CompareRules {
  /** Compare modification times (the engine keeps them). */
  mtime: boolean;
  /** Compare permission bits (the engine keeps them, POSIX only). */
  mode: boolean;
  /** Times closer than this are equal (FAT, exFAT and SMB shares keep 2-second times). */
  mtimeWindowMs: number;
}

/** The few stat fields a verification needs. */
export interface FileFacts {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  mode: number;
  ino: string;
}

/** Walk one chunk's source and destination side by side and compare metadata. */
export interface ScanChunkTask {
  sourceDir: string;
  destDir: string;
  /** `tree`: everything below; `files-only`: the files directly in the directory. */
  scope: 'tree' | 'files-only';
  /** The chunk's path relative to the source root ('' = root), for directory excludes. */
  relBase: string;
  excludes: ExcludeRules;
  compare: CompareRules;
  /** Which files get their content hashed: all, a sampled percentage, or none (meta). */
  hash: { percent: number; seed: string } | null;
  /** Findings listed in full; beyond this they are only counted. */
  maxFindings: number;
}

/** One file the walk found wrong (before the main thread re-checks the source). */
export interface RawFinding {
  rel: string;
  kind: VerifyFindingKind;
  detail: string;
  src?: FileFacts;
  dst?: FileFacts;
}

/** A file pair whose metadata agree and whose contents are to be hashed. */
export interface HashCandidate {
  rel: string;
  src: FileFacts;
  dst: FileFacts;
}

export interface ScanChunkResult {
  filesChecked: number;
  findings: RawFinding[];
  /** Findings beyond maxFindings: counted as mismatches, not listed. */
  unlisted: number;
  toHash: HashCandidate[];
}

/** Hash the source and destination of each pair. */
export interface HashPairsTask {
  pairs: { rel: string; source: string; destination: string }[];
}

export interface HashOutcome {
  /** Hex digest, absent when the file could not be read. */
  digest?: string;
  error?: string;
  /** The file's size, time or ctime moved while it was read. */
  changedWhileRead: boolean;
  bytes: number;
}

export interface HashPairsResult {
  results: { rel: string; source: HashOutcome; destination: HashOutcome }[];
}

/** The verifier's workers (verify-worker.ts): hashing is CPU-bound once the data is in the page cache. */
export function verifyPoolKind(maxThreads: number, idleTimeoutMs = 10_000): PoolKind {
  return { kind: 'verify', filename: path.join(__dirname, 'verify-worker.js'), minThreads: 0, maxThreads, idleTimeoutMs };
}
