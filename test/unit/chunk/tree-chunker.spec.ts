import { expect } from 'chai';
import type { Chunk, ChunkPolicy, ChunkTarget } from '../../../src/api';
import { chunkId, createChunker } from '../../../src/chunk';
import { treeFromShape, type Shape } from './dir-tree-fixtures';

const target: ChunkTarget = { profile: 'p', sourceRoot: '/src', destinationRoot: '/dst', windowsPaths: false };
const smart = (maxChunkBytes: number, maxChunkFiles: number): ChunkPolicy => ({ mode: 'smart', maxChunkBytes, maxChunkFiles, maxDepth: 0 });
const NO_LIMIT = Number.MAX_SAFE_INTEGER;
const flat = (maxDepth: number, maxChunkBytes = NO_LIMIT, maxChunkFiles = NO_LIMIT): ChunkPolicy => ({ mode: 'flat', maxChunkBytes, maxChunkFiles, maxDepth });
const plan = (shape: Shape, policy: ChunkPolicy, t: ChunkTarget = target): Chunk[] =>
  createChunker().plan(treeFromShape(shape, t.sourceRoot), policy, t);
const brief = (cs: Chunk[]): string[] => cs.map((c) => `${c.kind}:${c.relPath}`);

// root: 2 own files (20 B); a: 10 files (1000 B) with a/x: 5 (500 B); b: no own files, b/y: 3 (30 B)
const sample: Shape = {
  files: 2, bytes: 20, dirs: {
    a: { files: 10, bytes: 1000, dirs: { x: { files: 5, bytes: 500 } } },
    b: { files: 0, bytes: 0, dirs: { y: { files: 3, bytes: 30 } } },
  },
};

describe('TreeChunker (smart)', () => {
  it('makes one tree chunk at the destination root when the whole tree fits', () => {
    const cs = plan(sample, smart(10_000, 100));
    expect(brief(cs)).to.deep.equal(['tree:']);
    expect(cs[0]).to.include({ sourcePath: '/src', destinationPath: '/dst', depth: 0, estimatedFiles: 20, estimatedBytes: 1550 });
  });

  it('keeps the destination root exactly as given, trailing separator included', () => {
    const cs = plan(sample, smart(10_000, 100), { ...target, destinationRoot: 'D:\\Backup\\', windowsPaths: true });
    expect(cs[0].destinationPath).to.equal('D:\\Backup\\');
  });

  it('splits an over-threshold dir into one chunk per child plus files-only for its own files', () => {
    const cs = plan(sample, smart(1500, 100));
    expect(brief(cs)).to.deep.equal(['tree:a', 'tree:b', 'files-only:']);
    expect(cs.find((c) => c.kind === 'files-only')).to.include({ relPath: '', estimatedFiles: 2, estimatedBytes: 20, destinationPath: '/dst' });
  });

  it('gives a split directory without own files no chunk of its own', () => {
    const cs = plan(sample, smart(20, 100));
    expect(brief(cs)).to.deep.equal(['files-only:a', 'tree:a/x', 'tree:b/y', 'files-only:']);
    expect(cs.map((c) => c.relPath)).not.to.include('b');
  });

  it('splits on the file-count limit as well as on bytes', () => {
    expect(brief(plan(sample, smart(1e12, 19)))).to.deep.equal(['tree:a', 'tree:b', 'files-only:']);
    expect(brief(plan(sample, smart(1e12, 20)))).to.deep.equal(['tree:']);
  });

  it('makes an over-threshold directory without subdirectories one large chunk, not an error', () => {
    const cs = plan({ files: 0, bytes: 0, dirs: { big: { files: 1000, bytes: 1e9 } } }, smart(10, 10));
    expect(brief(cs)).to.deep.equal(['tree:big']);
    expect(cs[0]).to.include({ estimatedBytes: 1e9, estimatedFiles: 1000 });
  });

  it('makes an over-threshold root without subdirectories one chunk', () => {
    expect(brief(plan({ files: 50, bytes: 5000 }, smart(1, 1)))).to.deep.equal(['tree:']);
  });

  it('keeps an empty leaf directory as a chunk so it is created', () => {
    const cs = plan({ files: 1, bytes: 10, dirs: { empty: { files: 0, bytes: 0 }, full: { files: 1, bytes: 100 } } }, smart(50, 100));
    expect(brief(cs)).to.deep.equal(['tree:full', 'files-only:', 'tree:empty']);
  });

  it('orders chunks largest first, ties by relPath', () => {
    const cs = plan({ files: 0, bytes: 0, dirs: { c: { files: 1, bytes: 5 }, a: { files: 1, bytes: 5 }, b: { files: 1, bytes: 9 } } }, smart(1, 1));
    expect(brief(cs)).to.deep.equal(['tree:b', 'tree:a', 'tree:c']);
  });

  it('ids come from profile, relPath and kind only', () => {
    const a = plan(sample, smart(100, 100));
    const b = plan(sample, smart(100, 100), { ...target, sourceRoot: '/snap/x', destinationRoot: '/elsewhere' });
    expect(a.map((c) => c.id)).to.deep.equal(b.map((c) => c.id));
    expect(a.find((c) => c.relPath === 'a/x')!.id).to.equal(chunkId('p', 'a/x', 'tree'));
    expect(plan(sample, smart(100, 100), { ...target, profile: 'q' })[0].id).not.to.equal(a[0].id);
  });
});

describe('TreeChunker (flat)', () => {
  it('maxDepth 0 is one chunk for the whole tree', () => {
    expect(brief(plan(sample, flat(0)))).to.deep.equal(['tree:']);
  });

  it('maxDepth 1 cuts at the root\'s children, with the root\'s own files apart', () => {
    expect(brief(plan(sample, flat(1)))).to.deep.equal(['tree:a', 'tree:b', 'files-only:']);
  });

  it('maxDepth 2 cuts one level further; leaves above the limit stay whole', () => {
    const cs = plan({ ...sample, dirs: { ...sample.dirs, leaf: { files: 1, bytes: 1 } } }, flat(2));
    expect(brief(cs)).to.deep.equal(['files-only:a', 'tree:a/x', 'tree:b/y', 'files-only:', 'tree:leaf']);
    expect(cs.find((c) => c.relPath === 'a/x')).to.include({ depth: 2, sourcePath: '/src/a/x', destinationPath: '/dst/a/x' });
  });

  it('splits below maxDepth what exceeds maxChunkBytes (a: 1500 B > 1000 B), and no further', () => {
    expect(brief(plan(sample, flat(1, 1000)))).to.deep.equal(['files-only:a', 'tree:a/x', 'tree:b', 'files-only:']);
  });

  it('splits below maxDepth what exceeds maxChunkFiles, even at maxDepth 0', () => {
    expect(brief(plan(sample, flat(0, NO_LIMIT, 14)))).to.deep.equal(['files-only:a', 'tree:a/x', 'tree:b', 'files-only:']);
  });

  it('what cannot be split stays over the limits: a directory without subdirectories, a directory\'s own files', () => {
    const cs = plan(sample, flat(0, 1, 1));
    expect(brief(cs)).to.deep.equal(['files-only:a', 'tree:a/x', 'tree:b/y', 'files-only:']);
    expect(cs.find((c) => c.relPath === 'a/x')).to.include({ kind: 'tree', estimatedFiles: 5 });
    expect(cs.find((c) => c.relPath === 'a')).to.include({ kind: 'files-only', estimatedFiles: 10 });
  });
});

describe('TreeChunker and names that are not UTF-8', () => {
  // 'caf\udce9' is how the scanner reports the Latin-1 directory name `caf<0xE9>`.
  const latin1: Shape = {
    files: 1, bytes: 10, dirs: {
      big: { files: 100, bytes: 10_000, dirs: { 'caf\udce9': { files: 50, bytes: 5000 }, plain: { files: 50, bytes: 5000 } } },
      other: { files: 100, bytes: 10_000, dirs: { x: { files: 60, bytes: 6000 }, y: { files: 40, bytes: 4000 } } },
    },
  };

  it('never splits a directory with such a subdirectory: the name stays below a chunk root (smart and flat)', () => {
    for (const policy of [smart(100, 10), flat(3)]) {
      const cs = plan(latin1, policy);
      expect(brief(cs), policy.mode).to.include('tree:big').and.to.include('tree:other/x').and.to.include('files-only:other');
      expect(cs.some((c) => c.relPath.includes('\udce9')), policy.mode).to.equal(false);
    }
  });

  it('gives byte-distinct names distinct, stable ids, and UTF-8 names the ids they always had', () => {
    const ids = ['caf\udce9', 'caf\udce8', 'caf\ufffd', 'café', 'caf\\xE9'].map((n) => chunkId('p', n, 'tree'));
    expect(new Set(ids).size).to.equal(ids.length);
    expect(chunkId('p', 'caf\udce9', 'tree')).to.equal(chunkId('p', 'caf\udce9', 'tree'));
    expect(chunkId('p', 'a\\b', 'tree'), 'a backslash is part of a POSIX name').to.not.equal(chunkId('p', 'a/b', 'tree'));
  });
});
