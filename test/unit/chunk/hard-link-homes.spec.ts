import { expect } from 'chai';
import { hardLinkHomes, TreeChunker } from '../../../src/chunk/tree-chunker';
import { treeFromShape } from './dir-tree-fixtures';

const target = { profile: 'p', sourceRoot: '/src', destinationRoot: '/dst', windowsPaths: false };
const shape = { files: 1, bytes: 10, dirs: { a: { files: 2, bytes: 20, dirs: { x: { files: 3, bytes: 30 }, y: { files: 3, bytes: 30 } } }, b: { files: 1, bytes: 10 } } };

describe('chunker: hard-link groups', () => {
  it('the home of a group is the smallest directory holding all its names', () => {
    const tree = { ...treeFromShape(shape), hardLinks: [{ paths: ['a/x/f', 'a/y/g'] }, { paths: ['a/x/h', 'b/i'] }, { paths: ['a/x/j', 'a/x/k'] }] };
    expect([...hardLinkHomes(tree)].sort()).to.deep.equal(['', 'a', 'a/x']);
  });

  it('flat plans keep a home whole when it fits the chunk limits, and cut it by depth when it does not', () => {
    const policy = { mode: 'flat' as const, maxDepth: 2, maxChunkBytes: 1000, maxChunkFiles: 1000 };
    const plain = new TreeChunker().plan(treeFromShape(shape), policy, target).map((c) => `${c.kind}:${c.relPath}`).sort();
    expect(plain).to.include('tree:a/x').and.include('tree:a/y');
    const linked = { ...treeFromShape(shape), hardLinks: [{ paths: ['a/x/f', 'a/y/g'] }] };
    const kept = new TreeChunker().plan(linked, policy, target).map((c) => `${c.kind}:${c.relPath}`).sort();
    expect(kept).to.deep.equal(['files-only:', 'tree:a', 'tree:b']);
    const tooBig = new TreeChunker().plan(linked, { ...policy, maxChunkFiles: 5 }, target).map((c) => `${c.kind}:${c.relPath}`).sort();
    expect(tooBig).to.include('tree:a/x').and.include('tree:a/y');
  });

  it('smart plans are unchanged by groups (a home that fits is never split anyway)', () => {
    const policy = { mode: 'smart' as const, maxDepth: 5, maxChunkBytes: 50, maxChunkFiles: 1000 };
    const tree = treeFromShape(shape);
    const a = new TreeChunker().plan(tree, policy, target);
    const b = new TreeChunker().plan({ ...tree, hardLinks: [{ paths: ['a/x/f', 'b/i'] }] }, policy, target);
    expect(b).to.deep.equal(a);
  });
});
