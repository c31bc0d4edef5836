import type { ChunkKind, ChunkPolicy, DirNode } from '../api';
import { hasEscapedBytes } from '../fs/byte-names';

/** A directory the plan cuts at, and whether its chunk is the subtree or only its own files. */
export interface Anchor { node: DirNode; kind: ChunkKind }

function fits(n: DirNode, policy: ChunkPolicy): boolean {
  return n.totalBytes <= policy.maxChunkBytes && n.totalFiles <= policy.maxChunkFiles;
}

/**
 * Whether a directory is split into its children (instead of being one `tree` chunk). Both modes
 * honour maxChunkBytes/maxChunkFiles; `flat` also splits everything above maxDepth. What can still
 * exceed the limits is what cannot be split: a directory without subdirectories, the own files of
 * a split directory (a `files-only` chunk), and a directory kept whole for a non-UTF-8 child name.
 * A directory with a subdirectory whose name is not valid UTF-8 is never split: that child would
 * become a chunk root, and engines that take their paths as arguments (rsync, robocopy) cannot
 * be given such a name (Node passes argv as UTF-8). Kept whole, the name stays below the chunk
 * root, where every engine reads it from the directory itself, as bytes. So no chunk's relPath,
 * source or destination ever carries an escaped byte.
 */
function shouldSplit(n: DirNode, policy: ChunkPolicy, keepWhole: ReadonlySet<string>): boolean {
  // A directory without subdirectories cannot be split further: it is one chunk, however large.
  if (n.children.length === 0) return false;
  if (n.children.some((c) => hasEscapedBytes(c.name))) return false;
  // The smallest directory holding every name of a hard-linked file stays one chunk when it fits
  // (flat plans would cut it by depth), so the engine links the names itself.
  if (keepWhole.has(n.relPath) && fits(n, policy)) return false;
  // flat cuts every directory down to maxDepth, and below it still splits what exceeds the limits.
  return (policy.mode === 'flat' && n.depth < policy.maxDepth) || !fits(n, policy);
}

/**
 * Walks the tree top-down and picks the chunk anchors: a directory that is not split is a
 * `tree` anchor; a split one contributes a `files-only` anchor for its own files (none when it
 * has none, as its children create it) and its children are examined in turn. Iterative, so
 * a very deep tree cannot overflow the stack. `keepWhole`: directories not to split when they fit
 * (those holding all names of a hard-linked file).
 */
export function selectAnchors(root: DirNode, policy: ChunkPolicy, keepWhole: ReadonlySet<string> = new Set()): Anchor[] {
  const out: Anchor[] = [];
  const stack: DirNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (!shouldSplit(n, policy, keepWhole)) {
      out.push({ node: n, kind: 'tree' });
      continue;
    }
    if (n.ownFiles > 0) out.push({ node: n, kind: 'files-only' });
    for (const c of n.children) stack.push(c);
  }
  return out;
}
