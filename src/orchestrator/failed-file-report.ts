import * as path from 'node:path';
import type { Chunk, FailedFileSummary } from '../api';
import { displayName } from '../fs/byte-names';
import type { EventBus } from './event-bus';
import { isInsideChunk, type FailedFile } from './file-retry';

/** A failed file's path relative to the profile's source root ('/'-separated); an absolute path (a chunk root) as it is. */
export function rootRelative(chunk: Chunk, f: FailedFile): string {
  if (!isInsideChunk(f.relPath)) return f.relPath;
  return chunk.relPath ? `${chunk.relPath}/${f.relPath}` : f.relPath;
}

/** The file's absolute source path, in the chunk's own path style. */
function sourceOf(chunk: Chunk, f: FailedFile): string {
  if (!isInsideChunk(f.relPath)) return f.relPath;
  const win = /^[A-Za-z]:|^\\\\/.test(chunk.sourcePath);
  return win ? path.win32.join(chunk.sourcePath, ...f.relPath.split('/')) : path.posix.join(chunk.sourcePath, f.relPath);
}

/**
 * One FileFailed event per file still failing after the chunk's last attempt: every one of them
 * reaches the SIEM and the e-mail, each record small (a SIEM caps a record's size, not their number).
 */
export function reportFailedFiles(bus: EventBus, profile: string, chunk: Chunk, files: readonly FailedFile[], attempts: number, severity: 'Error' | 'Warning'): void {
  for (const f of files) {
    bus.emit('FileFailed', {
      profile, chunkId: chunk.id, path: displayName(rootRelative(chunk, f)), source: displayName(sourceOf(chunk, f)),
      error: displayName(f.error), attempts, severity,
    });
  }
}

/** How many failed files a profile summary lists (all of them are in the state database and the events). */
export const FAILED_FILES_LISTED = 20;

/** The first FAILED_FILES_LISTED failed files of finished chunks, and how many there are in all. */
export function failedFilesOf(chunks: readonly { chunk: Chunk; failedFiles?: FailedFile[]; status: string }[]): { listed: FailedFileSummary[]; total: number } {
  const listed: FailedFileSummary[] = [];
  let total = 0;
  for (const c of chunks) {
    for (const f of c.failedFiles ?? []) {
      total++;
      if (listed.length < FAILED_FILES_LISTED) {
        listed.push({ chunkId: c.chunk.id, path: rootRelative(c.chunk, f), error: f.error, severity: c.status === 'Failed' ? 'Error' : 'Warning' });
      }
    }
  }
  return { listed, total };
}
