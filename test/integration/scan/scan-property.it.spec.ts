import { expect } from 'chai';
import fc from 'fast-check';
import type { ChunkPolicy } from '../../../src/api';
import { createChunker } from '../../../src/chunk';
import { createScanner, type WorkerScanner } from '../../../src/scan';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';
import { assertChunkInvariants } from '../../unit/chunk/chunk-invariants';
import { nodeFromShape, shapeArb, type Shape } from '../../unit/chunk/dir-tree-fixtures';

/** Writes a Shape as real files: `files` files sharing `bytes` as evenly as integers allow. */
function specFromShape(s: Shape): TreeSpec {
  const spec: TreeSpec = {};
  for (let i = 0; i < s.files; i++) spec[`f${i}`] = Math.floor(s.bytes / s.files) + (i < s.bytes % s.files ? 1 : 0);
  for (const [name, sub] of Object.entries(s.dirs ?? {})) spec[`d_${name}`] = specFromShape(sub);
  return spec;
}

/** The same Shape with the directory names the spec above gives them. */
function renamed(s: Shape): Shape {
  const dirs: Record<string, Shape> = {};
  for (const [name, sub] of Object.entries(s.dirs ?? {})) dirs[`d_${name}`] = renamed(sub);
  return { files: s.files, bytes: s.bytes, dirs };
}

describe('scan + chunk properties on generated real trees', function () {
  this.timeout(120_000);
  let scanner: WorkerScanner;
  before(() => { scanner = createScanner({ budget: 7 }); });
  after(async () => { await scanner.close(); });

  it('the scan reproduces the generated tree, and its chunks keep the Chunker invariants', async () => {
    // Few, small trees: each run writes real files.
    const smallShape = shapeArb(3).filter((s) => nodeFromShape(s).totalFiles <= 600);
    const policy = fc.record({
      mode: fc.constant('smart' as const),
      maxChunkBytes: fc.integer({ min: 0, max: 200_000 }),
      maxChunkFiles: fc.integer({ min: 0, max: 300 }),
      maxDepth: fc.constant(0),
    }) as fc.Arbitrary<ChunkPolicy>;
    await fc.assert(fc.asyncProperty(smallShape, policy, async (shape, pol) => {
      const root = tempDir();
      try {
        makeTree(root, specFromShape(shape));
        const tree = await scanner.scan(root, { excludes: { excludeFiles: [], excludeDirs: [], caseInsensitive: false } });
        expect(tree.errors).to.deep.equal([]);
        expect(tree.rootNode).to.deep.equal(nodeFromShape(renamed(shape)));
        const chunks = createChunker().plan(tree, pol, { profile: 'p', sourceRoot: root, destinationRoot: '/dst', windowsPaths: false });
        assertChunkInvariants(tree, chunks, pol);
      } finally {
        removeTemp(root);
      }
    }), { numRuns: 12 });
  });
});
