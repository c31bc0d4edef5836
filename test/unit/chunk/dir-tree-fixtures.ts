import fc from 'fast-check';
import type { DirNode, DirTree } from '../../../src/api';

/** Compact tree description for chunker tests: own files/bytes and named subdirectories. */
export interface Shape { files: number; bytes: number; dirs?: Record<string, Shape> }

/** A DirNode tree with relPaths, depths and totals computed from a Shape. */
export function nodeFromShape(shape: Shape, name = '', relPath = '', depth = 0): DirNode {
  const children = Object.keys(shape.dirs ?? {}).sort()
    .map((n) => nodeFromShape(shape.dirs![n], n, relPath ? `${relPath}/${n}` : n, depth + 1));
  return {
    name, relPath, depth, ownFiles: shape.files, ownBytes: shape.bytes,
    totalFiles: shape.files + children.reduce((a, c) => a + c.totalFiles, 0),
    totalBytes: shape.bytes + children.reduce((a, c) => a + c.totalBytes, 0),
    totalDirs: 1 + children.reduce((a, c) => a + c.totalDirs, 0),
    children,
  };
}

/** A DirTree (no errors, no links) from a Shape. */
export function treeFromShape(shape: Shape, root = '/src'): DirTree {
  return { root, rootNode: nodeFromShape(shape), errors: [], skippedLinks: [], durationMs: 0 };
}

/** Every node of a tree, pre-order. */
export function allNodes(root: DirNode): DirNode[] {
  const out: DirNode[] = [];
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    stack.push(...n.children);
  }
  return out;
}

/**
 * Directory names: mostly plain, sometimes carrying a byte that is not UTF-8 (surrogate-escaped,
 * as the scanner reports a Latin-1 name) or a backslash (an ordinary character on POSIX).
 */
const nameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z]{1,3}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{0,2}$/).map((s) => `${s}\udce9`) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{1,2}$/).map((s) => `${s}\\`) },
);

/** Arbitrary Shapes: up to ~5 levels, a few children each, file counts with zeros and outliers. */
export function shapeArb(maxDepth = 5): fc.Arbitrary<Shape> {
  const own = fc.record({
    files: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 100, max: 2000 })),
    bytesPerFile: fc.integer({ min: 0, max: 5000 }),
  });
  const { tree } = fc.letrec<{ tree: Shape }>((tie) => ({
    tree: fc.record({
      own,
      dirs: fc.oneof(
        { depthSize: 'small', maxDepth, withCrossShrink: true },
        fc.constant({}),
        fc.dictionary(nameArb, tie('tree'), { maxKeys: 4 }),
      ),
    }).map(({ own: o, dirs }) => ({ files: o.files, bytes: o.files * o.bytesPerFile, dirs: dirs as Record<string, Shape> })) as unknown as fc.Arbitrary<Shape>,
  }));
  return tree;
}
