import { expect } from 'chai';
import type { Chunk, ChunkPolicy, DirTree } from '../../../src/api';
import { hasEscapedBytes } from '../../../src/fs/byte-names';
import { allNodes } from './dir-tree-fixtures';

function isAncestorOrSelf(anc: string, p: string): boolean {
  return anc === '' || p === anc || p.startsWith(`${anc}/`);
}

/**
 * Asserts the Chunker contract on one plan: every directory's own files in exactly one chunk,
 * every leaf directory inside one tree chunk, estimates summing to the tree totals, no tree
 * chunk containing another chunk, thresholds kept (smart and flat) except by what cannot be split:
 * leaves, files-only chunks (a directory's own files), and directories with a subdirectory whose
 * name is not UTF-8 (never split); flat: nothing split above maxDepth is kept whole, and nothing
 * is cut below it unless its parent exceeded a limit; largest first, unique ids, and
 * no chunk rooted at a path that carries such a name (engines take chunk roots as argv).
 */
export function assertChunkInvariants(tree: DirTree, chunks: Chunk[], policy: ChunkPolicy): void {
  const root = tree.rootNode;
  const trees = chunks.filter((c) => c.kind === 'tree');
  for (const n of allNodes(root)) {
    const covering = chunks.filter((c) => (c.kind === 'tree' ? isAncestorOrSelf(c.relPath, n.relPath) : c.relPath === n.relPath));
    if (n.ownFiles > 0) expect(covering.length, `own files of '${n.relPath}' covered once`).to.equal(1);
    else expect(covering.length, `'${n.relPath}' covered at most once`).to.be.at.most(1);
    if (n.children.length === 0) {
      expect(trees.filter((c) => isAncestorOrSelf(c.relPath, n.relPath)).length, `leaf '${n.relPath}' in one tree chunk`).to.equal(1);
    }
  }
  expect(chunks.reduce((a, c) => a + c.estimatedFiles, 0), 'files sum').to.equal(root.totalFiles);
  expect(chunks.reduce((a, c) => a + c.estimatedBytes, 0), 'bytes sum').to.equal(root.totalBytes);
  for (const t of trees) {
    for (const c of chunks) {
      if (c !== t) expect(isAncestorOrSelf(t.relPath, c.relPath), `tree chunk '${t.relPath}' contains '${c.relPath}'`).to.equal(false);
    }
  }
  const byPath = new Map(allNodes(root).map((n) => [n.relPath, n]));
  for (const t of trees) {
    const node = byPath.get(t.relPath)!;
    if (node.children.length === 0) continue;
    if (node.children.some((c) => hasEscapedBytes(c.name))) continue;
    // Both modes keep the limits for every tree chunk that could have been split further.
    expect(t.estimatedBytes, `bytes of '${t.relPath}'`).to.be.at.most(policy.maxChunkBytes);
    expect(t.estimatedFiles, `files of '${t.relPath}'`).to.be.at.most(policy.maxChunkFiles);
    if (policy.mode === 'flat' && !(tree.hardLinks ?? []).length) expect(t.depth, `depth of '${t.relPath}'`).to.be.at.least(policy.maxDepth);
  }
  // A chunk deeper than maxDepth exists only because its parent exceeded a limit.
  if (policy.mode === 'flat') {
    for (const c of chunks.filter((x) => x.depth > policy.maxDepth)) {
      const parent = byPath.get(c.relPath.split('/').slice(0, -1).join('/'))!;
      expect(parent.totalBytes > policy.maxChunkBytes || parent.totalFiles > policy.maxChunkFiles, `'${c.relPath}' cut below maxDepth without a reason`).to.equal(true);
    }
  }
  for (let i = 1; i < chunks.length; i++) expect(chunks[i - 1].estimatedBytes).to.be.at.least(chunks[i].estimatedBytes);
  expect(new Set(chunks.map((c) => c.id)).size, 'unique ids').to.equal(chunks.length);
  for (const c of chunks) {
    for (const p of [c.relPath, c.sourcePath, c.destinationPath]) expect(hasEscapedBytes(p), `chunk path '${p}' carries an escaped byte`).to.equal(false);
  }
}
