import type { FailedChunkSummary, ProfileResult, ProfileSummary } from '../api';
import { displayNames } from '../fs/display-names';
import type { ChunkTotals } from '../report/chunk-totals';
import type { FinishedChunk } from './types';
import { failedFilesOf } from './failed-file-report';

const MAX_ERRORS_PER_CHUNK = 5;
const MAX_REPLICA_PROBLEMS = 20;
const MAX_WARNING_CHUNKS = 20;

/** Totals of one profile from its finished chunks. */
export function summarizeProfile(input: {
  profile: string; completed: FinishedChunk[]; failed: FinishedChunk[]; skipped: number; totalChunks: number;
  /**
   * Every chunk's counts over all its attempts (retried, failed, killed included). Without
   * them, the finished chunks' last results are used (tests that build results by hand).
   */
  totals?: ChunkTotals[];
  bytesTotal: number; durationMs: number; stopped: boolean; error?: string; scanErrors: number;
  /** Extras removed by the final pass over split directories. */
  extrasRemoved?: number;
  /** A mirror safety rail failed the profile (see ProfileSummary.refused). */
  refused?: string;
  /** See ProfileSummary.replicaProblems (all of them: only the first are reported). */
  replicaProblems?: readonly string[];
  /** The circuit breaker stopped the profile (see ProfileSummary.circuitBreaker). */
  circuitBreaker?: string;
}): ProfileSummary {
  const warn = input.completed.filter((c) => c.status === 'CompleteWithWarnings').length;
  const counts = input.totals ?? [...input.completed, ...input.failed].map((c) => c.result?.stats);
  const sum = (k: 'filesCopied' | 'bytesCopied' | 'filesSkipped' | 'extrasRemoved'): number => counts.reduce((s, c) => s + (c?.[k] ?? 0), 0);
  const failedChunks: FailedChunkSummary[] = input.failed.map((f) => ({
    chunkId: f.chunk.id,
    source: f.chunk.sourcePath,
    exitCode: f.result?.exitCode ?? -1,
    retryCount: f.retryCount,
    message: f.result?.exitMeaning.message ?? 'failed',
    errors: (f.result?.errors ?? []).slice(0, MAX_ERRORS_PER_CHUNK),
  }));
  const failedFiles = failedFilesOf([...input.failed, ...input.completed]);
  let result: ProfileResult;
  if (input.error || input.refused || input.circuitBreaker || input.failed.length > 0) result = 'Failed';
  else if (input.stopped) result = 'Stopped';
  else if (warn > 0 || input.scanErrors > 0 || (input.replicaProblems?.length ?? 0) > 0) result = 'Warning';
  else result = 'Success';
  // A report for people and scripts: names that are not UTF-8 read as \xNN (src/fs/byte-names).
  return displayNames({
    profile: input.profile,
    result,
    chunksTotal: input.totalChunks,
    chunksOk: input.completed.length - warn,
    chunksWarning: warn,
    chunksFailed: input.failed.length,
    chunksSkipped: input.skipped,
    filesCopied: sum('filesCopied'),
    bytesCopied: sum('bytesCopied'),
    filesSkipped: sum('filesSkipped'),
    extrasRemoved: sum('extrasRemoved') + (input.extrasRemoved ?? 0),
    bytesTotal: input.bytesTotal,
    durationMs: input.durationMs,
    failedChunks,
    ...(failedFiles.total > 0 ? { failedFiles: failedFiles.listed, failedFilesTotal: failedFiles.total } : {}),
    ...(warn > 0 ? { warningChunks: warningChunksOf(input.completed) } : {}),
    scanErrors: input.scanErrors,
    ...(input.error ? { error: input.error } : {}),
    ...(input.refused ? { refused: input.refused } : {}),
    ...(input.replicaProblems?.length ? { replicaProblems: input.replicaProblems.slice(0, MAX_REPLICA_PROBLEMS) } : {}),
    ...(input.circuitBreaker ? { circuitBreaker: input.circuitBreaker } : {}),
  });
}

/** The first MAX_WARNING_CHUNKS chunks that ended with warnings, with their messages. */
function warningChunksOf(completed: FinishedChunk[]): NonNullable<ProfileSummary['warningChunks']> {
  return completed.filter((c) => c.status === 'CompleteWithWarnings').slice(0, MAX_WARNING_CHUNKS).map((c) => ({
    chunkId: c.chunk.id, source: c.chunk.sourcePath, exitCode: c.result?.exitCode ?? 0, message: c.result?.exitMeaning.message ?? 'completed with warnings',
  }));
}

/** Session outcome from its profiles: a fatal profile error outranks failures, which outrank stops. */
export function sessionOutcome(profiles: ProfileSummary[], stopped: boolean): 'Success' | 'Warning' | 'Failed' | 'Stopped' | 'Error' {
  if (profiles.some((p) => p.error)) return 'Error';
  if (profiles.some((p) => p.result === 'Failed')) return 'Failed';
  if (stopped || profiles.some((p) => p.result === 'Stopped')) return 'Stopped';
  if (profiles.some((p) => p.result === 'Warning')) return 'Warning';
  return 'Success';
}
