import fc from 'fast-check';
import type { ChunkPolicy } from '../../../src/api';
import { createChunker } from '../../../src/chunk';
import { assertChunkInvariants } from './chunk-invariants';
import { shapeArb, treeFromShape } from './dir-tree-fixtures';

const target = { profile: 'p', sourceRoot: '/src', destinationRoot: 'D:\\dst\\', windowsPaths: true };

const policyArb: fc.Arbitrary<ChunkPolicy> = fc.oneof(
  fc.record({
    mode: fc.constant('smart' as const),
    maxChunkBytes: fc.integer({ min: 0, max: 3_000_000 }),
    maxChunkFiles: fc.integer({ min: 0, max: 5000 }),
    maxDepth: fc.constant(0),
  }),
  fc.record({
    mode: fc.constant('flat' as const),
    maxChunkBytes: fc.oneof(fc.integer({ min: 0, max: 3_000_000 }), fc.constant(Number.MAX_SAFE_INTEGER)),
    maxChunkFiles: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constant(Number.MAX_SAFE_INTEGER)),
    maxDepth: fc.integer({ min: 0, max: 6 }),
  }),
);

describe('TreeChunker properties', () => {
  it('covers every file once, sums to the totals, nests no tree chunk, keeps the size and file limits (smart and flat)', () => {
    fc.assert(fc.property(shapeArb(), policyArb, (shape, policy) => {
      const tree = treeFromShape(shape);
      assertChunkInvariants(tree, createChunker().plan(tree, policy, target), policy);
    }), { numRuns: 300 });
  });

  it('is deterministic', () => {
    fc.assert(fc.property(shapeArb(), policyArb, (shape, policy) => {
      const a = createChunker().plan(treeFromShape(shape), policy, target);
      const b = createChunker().plan(treeFromShape(shape), policy, target);
      return JSON.stringify(a) === JSON.stringify(b);
    }), { numRuns: 100 });
  });
});
