import { emptyStats, type Chunk, type CopyStats, type FileError } from '../../api';

/**
 * The stats and errors a simulated attempt reports for its exit code, shaped like what a real
 * engine would report for that outcome, so the orchestrator's totals behave as in production:
 * 16 copies nothing and fails everything; 8 fails one file; 1 copies the rest (without 1 the
 * rest was already in sync: skipped); 2 removed one extra when mirroring.
 */
export function simulatedStats(chunk: Chunk, code: number, mirror: boolean): { stats: CopyStats; errors: FileError[] } {
  const stats = emptyStats();
  const errors: FileError[] = [];
  const files = chunk.estimatedFiles;
  const bytes = chunk.estimatedBytes;
  if (code < 0) return { stats, errors };
  if (code & 16) {
    stats.filesFailed = files;
    stats.bytesFailed = bytes;
    errors.push({ path: chunk.sourcePath, code: 'ESIMULATED', message: `simulated fatal error (exit code ${code})` });
    return { stats, errors };
  }
  let restFiles = files;
  let restBytes = bytes;
  if (code & 8) {
    stats.filesFailed = Math.min(1, files);
    stats.bytesFailed = files > 0 ? Math.round(bytes / files) : 0;
    restFiles -= stats.filesFailed;
    restBytes -= stats.bytesFailed;
    errors.push({ path: chunk.sourcePath, code: 'ESIMULATED', message: `simulated file failure (exit code ${code})` });
  }
  if (code & 1) { stats.filesCopied = restFiles; stats.bytesCopied = restBytes; }
  else { stats.filesSkipped = restFiles; stats.bytesSkipped = restBytes; }
  if (code & 2 && mirror) stats.extrasRemoved = 1;
  return { stats, errors };
}
