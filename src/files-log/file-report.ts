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

/** A '/'-separated relative path with an empty, '.' or '..' segment: only path.join places it safely. */
const UNUSUAL_SEGMENT = /(?:^|\/)\.{0,2}(?:\/|$)/;

/**
 * The file actions of one chunk's job, placed in the profile (chunk-relative → profile-relative).
 * A copy of a 100k-file tree reports 100k of them on the main thread, where path.join
 * (normalising every segment again) took ~0.2 s: names as a copier lists them (no empty, '.' or
 * '..' segment) go under the chunk's normalised folder by concatenation, which gives the same.
 */
export function fileReporter(profile: string, chunk: Chunk, dryRun: boolean): (a: FileAction, time: number) => FileReport {
  const root = chunk.sourcePath;
  const prefix = root === path.normalize(root) ? (root.endsWith(path.sep) ? root : root + path.sep) : undefined;
  const under = (rel: string): string => {
    if (prefix === undefined || UNUSUAL_SEGMENT.test(rel)) return path.join(root, ...rel.split('/'));
    return prefix + (path.sep === '/' ? rel : rel.split('/').join(path.sep));
  };
  return (a, time) => {
    const absolute = path.isAbsolute(a.relPath);
    const rel = absolute ? a.relPath : chunk.relPath && a.relPath ? `${chunk.relPath}/${a.relPath}` : chunk.relPath || a.relPath;
    const full = absolute ? a.relPath : a.relPath ? under(a.relPath) : root;
    return {
      time, profile, chunkId: chunk.id, action: a.action, relPath: rel, path: full, dryRun,
      ...(a.size !== undefined ? { size: a.size } : {}), ...(a.error !== undefined ? { error: a.error } : {}),
    };
  };
}

/** A deletion as the safety rails report it (every engine, and the final pass). */
export function deletionReport(d: DeletionReport, time: number): FileReport {
  return {
    time, profile: d.profile, chunkId: d.chunkId, action: 'delete', relPath: d.relPath, path: d.path,
    isDir: d.isDir, entries: d.entries, dryRun: d.dryRun,
  };
}
