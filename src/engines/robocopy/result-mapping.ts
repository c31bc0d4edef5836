import { emptyStats, type CopyProgress, type CopyStats, type FileError } from '../../api';
import type { ParsedRobocopyLog } from './log/types';

/**
 * CopyStats from robocopy's own summary. Extras count as removed only when they were: a mirror
 * that was not a dry run (otherwise robocopy just reports them).
 */
export function statsFromLog(log: ParsedRobocopyLog, removedExtras: boolean): CopyStats {
  const { dirs, files, bytes } = log.totals;
  return {
    filesCopied: files.copied, bytesCopied: bytes.copied,
    filesSkipped: files.skipped, bytesSkipped: bytes.skipped,
    filesFailed: files.failed, bytesFailed: bytes.failed,
    extrasRemoved: removedExtras ? files.extras + dirs.extras : 0,
    dirsCreated: dirs.copied,
  };
}

/** When the log is unusable: what the console output showed (copies only). */
export function statsFromProgress(p: CopyProgress): CopyStats {
  return { ...emptyStats(), filesCopied: p.filesCopied, bytesCopied: p.bytesCopied };
}

/** One FileError per path robocopy gave up on (its retries already deduplicated by the parser). */
export function errorsFromLog(log: ParsedRobocopyLog): FileError[] {
  return log.errors.map((e) => ({
    path: e.path,
    code: String(e.code),
    message: `${e.action}${e.action ? ': ' : ''}${e.message || `Windows error ${e.hex}`}`.trim(),
  }));
}
