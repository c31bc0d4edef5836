import type { ChunkKind, ChunkPolicy, DirNode } from '../api';

/** A directory the plan cuts at, and whether its chunk is the subtree or only its own files. */
export interface Anchor { node: DirNode; kind: ChunkKind }

function fits(n: DirNode, policy: ChunkPolicy): boolean {
  return n.totalBytes <= policy.maxChunkBytes && n.totalFiles <= policy.maxChunkFiles;
}

/** Whether a directory is split into its children (instead of being one `tree` chunk). */
function shouldSplit(n: DirNode, policy: ChunkPolicy): boolean {
  // A directory without subdirectories cannot be split further: it is one chunk, however large.
  if (n.children.length === 0) return false;
  return policy.mode === 'flat' ? n.depth < policy.maxDepth : !fits(n, policy);
}

/**
 * Walks the tree top-down and picks the chunk anchors: a directory that is not split is a
 * `tree` anchor; a split one contributes a `files-only` anchor for its own files (none when it
 * has none, as its children create it) and its children are examined in turn. Iterative, so
 * a very deep tree cannot overflow the stack.
 */
export function selectAnchors(root: DirNode, policy: ChunkPolicy): Anchor[] {
  const out: Anchor[] = [];
  const stack: DirNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (!shouldSplit(n, policy)) {
      out.push({ node: n, kind: 'tree' });
      continue;
    }
    if (n.ownFiles > 0) out.push({ node: n, kind: 'files-only' });
    for (const c of n.children) stack.push(c);
  }
  return out;
}
