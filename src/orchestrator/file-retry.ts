import type { Chunk, Copier, CopyResult, FileAction } from '../api';
import { SCRATCH_NAME } from '../process/scratch-dir';

/** A file one attempt could not copy, as its engine reported it. */
export interface FailedFile {
  /** Relative to the chunk's source directory, '/'-separated, names as in byte-names.ts. */
  relPath: string;
  /** The engine's reason, `CODE: message`. */
  error: string;
}

/**
 * The files one attempt fails, gathered from its per-file reports (CopyOptions.onFileAction),
 * which every engine sends with the exact name; CopyResult.errors is capped and shows names
 * escaped for people, so it cannot name the files to copy again. One per attempt.
 */
export class FailedFileCollector {
  private readonly byPath = new Map<string, string>();

  note(a: FileAction): void {
    if (a.action === 'fail') this.byPath.set(a.relPath, a.error ?? 'failed');
  }

  list(): FailedFile[] {
    return [...this.byPath].map(([relPath, error]) => ({ relPath, error }));
  }
}

/**
 * A path below the chunk's directory: relative, without empty, `.` or `..` segments, and not in
 * an engine's scratch directory. A failure there (rsync's temp file gone because the chunk's
 * destination directory was swapped or removed under it) is a problem of the chunk: naming the
 * temp file in a file-only retry would copy nothing and fail again.
 */
export function isInsideChunk(relPath: string): boolean {
  if (relPath === '' || relPath.startsWith('/') || /^[A-Za-z]:/.test(relPath)) return false;
  return relPath.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..' && !SCRATCH_NAME.test(seg));
}

/**
 * The attempt's only problem was files it could not copy (robocopy bit 8, rsync 23, native
 * per-file errors), and the engine named each of them: every failure it counted has a report
 * with a path inside the chunk. A failed directory, a fatal or killed attempt, a mismatch or
 * a failure without a name is a problem of the chunk, not of files.
 */
export function onlyFilesFailed(result: CopyResult, failed: readonly FailedFile[]): boolean {
  return !result.killed && result.exitMeaning.severity === 'Error' && result.stats.filesFailed > 0
    && failed.length === result.stats.filesFailed && failed.every((f) => isInsideChunk(f.relPath));
}

/** What the next attempt of a chunk copies: the listed files, or the whole chunk (`files` undefined) and why. */
export interface RetryScope {
  files?: string[];
  reason: string;
}

/**
 * Decides the scope of a chunk's next attempt from the attempt that just failed: only the files
 * it failed when that was its only problem and the engine takes a file list for this chunk
 * (capabilities.fileList, fileListProblem); otherwise the whole chunk again. Pure.
 */
export function nextAttemptScope(copier: Pick<Copier, 'capabilities' | 'fileListProblem'>, chunk: Chunk, result: CopyResult, failed: readonly FailedFile[]): RetryScope {
  if (!onlyFilesFailed(result, failed)) return { reason: 'the attempt failed as a whole, not only some files' };
  const files = failed.map((f) => f.relPath).sort();
  const problem = fileListRefusal(copier, chunk, files);
  if (problem) return { reason: problem };
  return { files, reason: `${files.length} failed file(s)` };
}

/** Why `copier` cannot be given `files` as a chunk's onlyFiles (capabilities.fileList, fileListProblem); undefined when it can. */
export function fileListRefusal(copier: Pick<Copier, 'capabilities' | 'fileListProblem'>, chunk: Chunk, files: readonly string[]): string | undefined {
  if (!copier.capabilities.fileList) return 'the engine cannot copy a list of files';
  return copier.fileListProblem?.(chunk, files);
}

/**
 * A chunk whose last attempt failed only files, under failedFilesSeverity "warning": the
 * result it ends with, CompleteWithWarnings, its message saying what still fails. Pure.
 */
export function filesOnlyWarning(result: CopyResult, failed: readonly FailedFile[], attempts: number): CopyResult {
  return {
    ...result,
    exitMeaning: {
      severity: 'Warning', shouldRetry: false,
      message: `${failed.length} file(s) still failing after ${attempts} attempt(s), reported as a warning (failedFilesSeverity "warning"): ${result.exitMeaning.message}`,
    },
  };
}
