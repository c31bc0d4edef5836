import type { DirTree } from './scan';

/**
 * `tree`: the directory and everything under it. `files-only`: only the files directly in the
 * directory (robocopy `/LEV:1`), used when a directory is split into its children.
 */
export type ChunkKind = 'tree' | 'files-only';

/** One unit of copy work. Plain data: safe to serialise, store and send across threads. */
export interface Chunk {
  /**
   * Stable identity across runs: derived only from profile name, `relPath` and `kind` (never
   * from a snapshot or mapped path) so a resumed run finds its chunks again.
   */
  id: string;
  profile: string;
  kind: ChunkKind;
  /** Path relative to the source root, '/'-separated; '' for the root. */
  relPath: string;
  /** Absolute source directory (inside the snapshot when the profile uses one). */
  sourcePath: string;
  /** Absolute destination directory for this chunk. */
  destinationPath: string;
  depth: number;
  estimatedFiles: number;
  estimatedBytes: number;
}

export type ChunkMode = 'smart' | 'flat';

export interface ChunkPolicy {
  mode: ChunkMode;
  /** smart and flat: a directory whose subtree exceeds this is split. */
  maxChunkBytes: number;
  /** smart and flat: a directory whose subtree holds more files than this is split. */
  maxChunkFiles: number;
  /** flat: split down to this depth (0 = no cut by depth), and further where a subtree exceeds the limits. */
  maxDepth: number;
}

/** Where the chunks are cut from and copied to. */
export interface ChunkTarget {
  profile: string;
  /** Root the chunk source paths are built on (the snapshot path when there is one). */
  sourceRoot: string;
  destinationRoot: string;
  /** Build paths with path.win32 (robocopy) instead of path.posix. */
  windowsPaths: boolean;
}

/**
 * Cuts a scanned tree into chunks. Pure and deterministic: the same tree and policy always give
 * the same chunks in the same order (largest first). Invariants: every file is in exactly one
 * chunk; estimates sum to the tree totals; no `tree` chunk is inside another.
 */
export interface Chunker {
  plan(tree: DirTree, policy: ChunkPolicy, target: ChunkTarget): Chunk[];
}
