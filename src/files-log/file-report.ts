import * as path from 'node:path';
import type { Chunk, FileAction, FileActionKind } from '../api';
import type { DeletionReport } from '../orchestrator/safety-rails';

/** What a run did (or in a dry run would do) to one file, as files.log and the dry-run listing show it. */
export interface FileReport {
  /** Epoch ms. */
  time: number;
  profile: string;
  /** The chunk; undefined for the final pass over split directories. */
  chunkId?: string;
  action: FileActionKind | 'delete';
  /** Relative to the profile's source (and destination) root, '/'-separated; names as in byte-names.ts. */
  relPath: string;
  /** Absolute: the source file for copies, skips and failures; the destination entry for deletions. */
  path: string;
  size?: number;
  isDir?: boolean;
  /** A deleted directory: entries that went with it. */
  entries?: number;
  error?: string;
  dryRun: boolean;
}

/** A file action of a chunk's job, placed in the profile (chunk-relative → profile-relative). */
export function fileReport(profile: string, chunk: Chunk, a: FileAction, dryRun: boolean, time: number): FileReport {
  const absolute = path.isAbsolute(a.relPath);
  const rel = absolute ? a.relPath : chunk.relPath && a.relPath ? `${chunk.relPath}/${a.relPath}` : chunk.relPath || a.relPath;
  const full = absolute ? a.relPath : a.relPath ? path.join(chunk.sourcePath, ...a.relPath.split('/')) : chunk.sourcePath;
  return {
    time, profile, chunkId: chunk.id, action: a.action, relPath: rel, path: full, dryRun,
    ...(a.size !== undefined ? { size: a.size } : {}), ...(a.error !== undefined ? { error: a.error } : {}),
  };
}

/** A deletion as the safety rails report it (every engine, and the final pass). */
export function deletionReport(d: DeletionReport, time: number): FileReport {
  return {
    time, profile: d.profile, chunkId: d.chunkId, action: 'delete', relPath: d.relPath, path: d.path,
    isDir: d.isDir, entries: d.entries, dryRun: d.dryRun,
  };
}
