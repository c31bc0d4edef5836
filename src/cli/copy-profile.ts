import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { userStateHome } from './user-state';

/** What `robocurse copy` was given, as a profile's keys (the same validation applies). */
export interface CopyArgsLike {
  source: string;
  destination: string;
  mirror?: boolean;
  engine?: string;
  exclude?: string[];
  excludeDir?: string[];
  include?: string[];
  maxAge?: string;
  minAge?: string;
  maxSize?: string;
  minSize?: string;
  bwlimit?: number;
  chunkFiles?: number;
}

/** Config keys → the flag that sets them, so a problem names what the user typed. */
export const FLAG_OF_KEY: Record<string, string> = {
  source: '<source>', destination: '<destination>', mirror: '--mirror', engine: '--engine', excludeFiles: '--exclude',
  excludeDirs: '--exclude-dir', includeFiles: '--include', maxAge: '--max-age', minAge: '--min-age', maxSize: '--max-size',
  minSize: '--min-size', maxConcurrentJobs: '--max-jobs', bandwidthLimitMbps: '--bwlimit', chunking: '--chunk-files',
};

/** A number for an age or size given on the command line as text ("30" → 30); else the text. */
function numeric(v: string): string | number {
  return /^\d+$/.test(v.trim()) ? Number(v.trim()) : v;
}

/** The profile `robocurse copy` runs, with absolute paths (`resolve`: io.ts resolveArg). */
export function copyProfile(a: CopyArgsLike, resolve: (p: string) => string): Record<string, unknown> {
  const p: Record<string, unknown> = {
    source: resolve(a.source),
    destination: resolve(a.destination),
    mirror: a.mirror ?? false,
    // One chunk per subtree is what a quick copy wants too; the defaults decide.
  };
  if (a.engine !== undefined) p.engine = a.engine;
  if (a.exclude?.length) p.excludeFiles = a.exclude;
  if (a.excludeDir?.length) p.excludeDirs = a.excludeDir;
  if (a.include?.length) p.includeFiles = a.include;
  if (a.maxAge !== undefined) p.maxAge = numeric(a.maxAge);
  if (a.minAge !== undefined) p.minAge = numeric(a.minAge);
  if (a.maxSize !== undefined) p.maxSize = numeric(a.maxSize);
  if (a.minSize !== undefined) p.minSize = numeric(a.minSize);
  if (a.bwlimit !== undefined) p.bandwidthLimitMbps = a.bwlimit;
  if (a.chunkFiles !== undefined) p.chunking = { maxChunkFiles: a.chunkFiles };
  return p;
}

/** A profile name from the source folder's name: letters, digits, '.', '_', '-' (else "copy"). */
export function profileNameFor(source: string): string {
  const base = path.basename(source).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return base || 'copy';
}

/**
 * Where a one-off copy keeps its state and logs: in the user's state home, keyed by the pair of
 * absolute paths, so repeating the same copy finds its checkpoint and resumes.
 */
export function copyHome(env: NodeJS.ProcessEnv, source: string, destination: string): string {
  const key = createHash('sha256').update(`${source}\0${destination}`).digest('hex').slice(0, 16);
  return path.join(userStateHome(env), 'copies', key);
}
