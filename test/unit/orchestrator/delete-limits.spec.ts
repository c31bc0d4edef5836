import { expect } from 'chai';
import * as path from 'node:path';
import type { Chunk } from '../../../src/api';
import { DeleteLimits } from '../../../src/orchestrator/delete-limits';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

function chunk(dst: string, rel: string, kind: Chunk['kind'] = 'tree'): Chunk {
  return { id: `${kind}:${rel}`, profile: 'p', kind, relPath: rel, sourcePath: `/src/${rel}`, destinationPath: path.join(dst, rel), depth: 1, estimatedFiles: 1, estimatedBytes: 1 };
}

describe('maxDeletes resolved per chunk', () => {
  let dst: string;
  beforeEach(() => {
    dst = tempDir('robocurse-limits-');
    // a: 20 entries below it; the root's own files: 10 (plus the directory a, not in the files-only scope).
    const a: Record<string, string> = {};
    for (let i = 0; i < 19; i++) a[`f${i}`] = 'x';
    const top: Record<string, unknown> = { a: { ...a, sub: {} } };
    for (let i = 0; i < 10; i++) top[`t${i}`] = 'y';
    makeTree(dst, top as never);
  });
  afterEach(() => removeTemp(dst));

  it('no setting, no limit', async () => {
    expect(await DeleteLimits.resolve(null, [chunk(dst, 'a')])).to.equal(undefined);
  });

  it('a count applies to every chunk and to the final pass', async () => {
    const l = (await DeleteLimits.resolve({ count: 3 }, [chunk(dst, 'a'), chunk(dst, '', 'files-only')]))!;
    expect(l.forChunk(chunk(dst, 'a'))).to.equal(3);
    expect(l.forFinalPass()).to.equal(3);
  });

  it('a percentage counts each chunk scope (files-only: its own files) and rounds down', async () => {
    const a = chunk(dst, 'a'); const root = chunk(dst, '', 'files-only');
    const l = (await DeleteLimits.resolve({ percent: 25 }, [a, root]))!;
    expect(l.forChunk(a)).to.equal(5); // 25% of 20
    expect(l.forChunk(root)).to.equal(2); // 25% of 10
    expect(l.forFinalPass()).to.equal(7); // 25% of 30
    expect(l.forChunk(chunk(dst, 'unknown'))).to.equal(0);
  });

  it('deletions of earlier attempts in the run come off the next attempt\'s budget', async () => {
    const a = chunk(dst, 'a');
    const l = (await DeleteLimits.resolve({ count: 5 }, [a]))!;
    l.noteDeleted(a.id, 3);
    expect(l.forChunk(a)).to.equal(2);
    l.noteDeleted(a.id, 4);
    expect(l.forChunk(a)).to.equal(0);
  });
});
