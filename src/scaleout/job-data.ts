import type { Chunk, ChunkKind, CopyOptions } from '../api';
import { mapRelPath } from '../chunk/dest-paths';
import { loadName, storeName } from '../fs/byte-names';
import type { ChunkAttempt } from '../orchestrator/chunk-dispatcher';
import type { ChunkRoots } from '../orchestrator/chunk-root-guard';

/** The CopyOptions fields that are plain data and mean the same on every host. */
const PLAIN_OPTIONS = [
  'mirror', 'dryRun', 'excludeFiles', 'excludeDirs', 'caseInsensitive', 'includeFiles', 'sizeAge', 'excludeAttributes',
  'destinationCaseInsensitive', 'destinationMtimeGranularityMs', 'bandwidthBytesPerSec', 'engineOptions', 'engineRetries',
  'engineWaitSeconds', 'maxDeletes', 'preserve',
] as const;

export type PlainCopyOptions = Pick<CopyOptions, (typeof PLAIN_OPTIONS)[number] | 'onlyFiles'>;

/**
 * One chunk attempt as it travels through Redis. Paths are the profile's roots (as the
 * coordinator sees them; a worker maps them with --path-map) plus the chunk's relative path,
 * never a pre-joined path of the coordinator's host. Names go through storeName (JSON cannot
 * carry the lone surrogates that stand for non-UTF-8 bytes). No secrets: Redis keeps job data in
 * clear text.
 */
export interface ChunkJobData {
  v: 1;
  attemptId: string;
  sessionId: string;
  attempt: number;
  engine: string;
  profile: string;
  sourceRoot: string;
  destinationRoot: string;
  windowsPaths: boolean;
  /** Check the chunk's directories against the roots before and after the copy (the orchestrator's guard). */
  guard: boolean;
  chunk: { id: string; kind: ChunkKind; relPath: string; depth: number; estimatedFiles: number; estimatedBytes: number };
  options: PlainCopyOptions;
}

export function toJobData(a: ChunkAttempt, id: string): ChunkJobData {
  const roots = a.roots ?? { sourceRoot: a.profile.source, destinationRoot: a.profile.destination, windowsPaths: a.profile.windowsPaths };
  const options: Record<string, unknown> = {};
  for (const k of PLAIN_OPTIONS) if (a.options[k] !== undefined) options[k] = a.options[k];
  options.excludeFiles = a.options.excludeFiles.map(storeName);
  options.excludeDirs = a.options.excludeDirs.map(storeName);
  // A retry of just the files the last attempt failed (the orchestrator chose it with the engine's
  // fileList capability): without the list a worker would copy, and mirror, the whole chunk.
  if (a.options.onlyFiles) options.onlyFiles = a.options.onlyFiles.map(storeName);
  const c = a.chunk;
  return {
    v: 1, attemptId: id, sessionId: a.sessionId, attempt: a.attempt, engine: a.profile.engine, profile: a.profile.name,
    sourceRoot: storeName(roots.sourceRoot), destinationRoot: storeName(roots.destinationRoot), windowsPaths: roots.windowsPaths,
    guard: a.roots !== undefined,
    chunk: { id: c.id, kind: c.kind, relPath: storeName(c.relPath), depth: c.depth, estimatedFiles: c.estimatedFiles, estimatedBytes: c.estimatedBytes },
    options: options as unknown as PlainCopyOptions,
  };
}

/** A job's data checked, with names decoded and the roots mapped to this host's mounts. */
export type ParsedJob = { ok: true; data: ChunkJobData; chunk: Chunk; roots: ChunkRoots; options: PlainCopyOptions };

/** Why a job's data cannot be run here (a newer coordinator, a damaged job): the attempt fails, naming it. */
export type JobRefusal = { ok: false; problem: string };

export function fromJobData(raw: unknown, mapRoot: (root: string) => string): ParsedJob | JobRefusal {
  const d = raw as ChunkJobData;
  const refuse = (problem: string): JobRefusal => ({ ok: false, problem });
  if (!d || typeof d !== 'object' || d.v !== 1) return refuse(`job data of version ${String((d as { v?: unknown })?.v)} (this worker understands 1): upgrade the worker`);
  for (const k of ['attemptId', 'sessionId', 'engine', 'profile', 'sourceRoot', 'destinationRoot'] as const) {
    if (typeof d[k] !== 'string' || d[k] === '') return refuse(`job data lacks ${k}`);
  }
  if (!d.chunk || typeof d.chunk.relPath !== 'string' || typeof d.chunk.id !== 'string') return refuse('job data lacks the chunk');
  const relPath = loadName(d.chunk.relPath);
  if (relPath.split('/').some((p) => p === '..')) return refuse(`chunk path '${d.chunk.relPath}' climbs out of its root`);
  const roots: ChunkRoots = { sourceRoot: mapRoot(loadName(d.sourceRoot)), destinationRoot: mapRoot(loadName(d.destinationRoot)), windowsPaths: d.windowsPaths };
  const chunk: Chunk = {
    ...d.chunk, relPath, profile: d.profile,
    sourcePath: mapRelPath(roots.sourceRoot, relPath, roots.windowsPaths),
    destinationPath: mapRelPath(roots.destinationRoot, relPath, roots.windowsPaths),
  };
  const onlyFiles = d.options?.onlyFiles;
  if (onlyFiles !== undefined && (!Array.isArray(onlyFiles) || onlyFiles.some((f) => typeof f !== 'string' || f.split('/').some((p) => p === '..' || p === '')))) {
    return refuse('job data has a bad list of files to copy (onlyFiles)');
  }
  const options = {
    ...d.options, excludeFiles: (d.options?.excludeFiles ?? []).map(loadName), excludeDirs: (d.options?.excludeDirs ?? []).map(loadName),
    ...(onlyFiles ? { onlyFiles: onlyFiles.map(loadName) } : {}),
  };
  return { ok: true, data: d, chunk, roots, options };
}
