import type { Chunk, Chunker, DirTree, Scanner } from '../api';
import type { ProfileConfig } from '../config/types';
import { profileExcludes } from './profile-excludes';

export interface PlanDeps {
  scanner: Scanner;
  chunker: Chunker;
}

export interface PlanOptions {
  /**
   * Where to read the source (a snapshot path); defaults to profile.source. Chunk source paths
   * are built on it; chunk ids and excludes do not depend on it.
   */
  sourceRoot?: string;
  signal?: AbortSignal;
}

/** One profile's plan: its scanned tree and the chunks cut from it, largest first. */
export interface ProfilePlan {
  profile: ProfileConfig;
  tree: DirTree;
  chunks: Chunk[];
  /** Scan plus chunking, in ms. */
  durationMs: number;
}

/**
 * Scans a profile's source and cuts it into chunks. Rejects when the source root cannot be
 * listed or on abort (as Scanner.scan does); unreadable parts end up in `tree.errors`.
 */
export async function planProfile(profile: ProfileConfig, deps: PlanDeps, opts: PlanOptions = {}): Promise<ProfilePlan> {
  const started = performance.now();
  const sourceRoot = opts.sourceRoot ?? profile.source;
  const tree = await deps.scanner.scan(sourceRoot, { excludes: profileExcludes(profile), signal: opts.signal });
  const chunks = deps.chunker.plan(tree, profile.chunking, {
    profile: profile.name,
    sourceRoot,
    destinationRoot: profile.destination,
    windowsPaths: profile.windowsPaths,
  });
  return { profile, tree, chunks, durationMs: performance.now() - started };
}
