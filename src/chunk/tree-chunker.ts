import type { Chunk, Chunker, ChunkPolicy, ChunkTarget, DirTree } from '../api';
import { chunkId } from './chunk-id';
import { mapRelPath } from './dest-paths';
import { selectAnchors } from './select-anchors';

/** Largest first; ties by relPath then kind, so the order never depends on the scan's timing. */
export function compareChunks(a: Chunk, b: Chunk): number {
  if (a.estimatedBytes !== b.estimatedBytes) return b.estimatedBytes - a.estimatedBytes;
  if (a.relPath !== b.relPath) return a.relPath < b.relPath ? -1 : 1;
  return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}

/**
 * The built-in Chunker for both `smart` and `flat` policies. Pure: no I/O, same input → same
 * chunks in the same order.
 */
export class TreeChunker implements Chunker {
  plan(tree: DirTree, policy: ChunkPolicy, target: ChunkTarget): Chunk[] {
    const chunks = selectAnchors(tree.rootNode, policy, hardLinkHomes(tree)).map(({ node, kind }): Chunk => ({
      id: chunkId(target.profile, node.relPath, kind),
      profile: target.profile,
      kind,
      relPath: node.relPath,
      sourcePath: mapRelPath(target.sourceRoot, node.relPath, target.windowsPaths),
      destinationPath: mapRelPath(target.destinationRoot, node.relPath, target.windowsPaths),
      depth: node.depth,
      estimatedFiles: kind === 'tree' ? node.totalFiles : node.ownFiles,
      estimatedBytes: kind === 'tree' ? node.totalBytes : node.ownBytes,
    }));
    return chunks.sort(compareChunks);
  }
}

/** The smallest directory holding every name of each hard-linked file ('/'-relative; '' = root). */
export function hardLinkHomes(tree: DirTree): Set<string> {
  const homes = new Set<string>();
  for (const g of tree.hardLinks ?? []) {
    let common = g.paths[0].split('/').slice(0, -1);
    for (const p of g.paths.slice(1)) {
      const parts = p.split('/').slice(0, -1);
      let i = 0;
      while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
      common = common.slice(0, i);
    }
    homes.add(common.join('/'));
  }
  return homes;
}

/** The built-in chunker. */
export function createChunker(): Chunker {
  return new TreeChunker();
}
