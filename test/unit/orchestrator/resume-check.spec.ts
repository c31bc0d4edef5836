import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chunk } from '../../../src/api';
import { probeDestination, verifyDoneChunks, whyNotDone } from '../../../src/orchestrator/resume-check';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

function chunk(dst: string, rel: string, kind: Chunk['kind'] = 'tree'): Chunk {
  return { id: `${kind}:${rel}`, profile: 'p', kind, relPath: rel, sourcePath: `/src/${rel}`, destinationPath: path.join(dst, rel), depth: 1, estimatedFiles: 1, estimatedBytes: 1 };
}

describe('resume check: a chunk is done only while its destination agrees', () => {
  let root: string;
  beforeEach(() => { root = tempDir('robocurse-resume-check-'); makeTree(root, { a: { 'f.txt': 'f', sub: { 'g.txt': 'g' } }, b: { 'x.txt': 'x', deeper: {} } }); });
  afterEach(() => removeTemp(root));

  const record = async (c: Chunk): Promise<string> => JSON.stringify(await probeDestination(c));

  it('an untouched destination agrees', async () => {
    const c = chunk(root, 'a');
    expect(whyNotDone(c, await record(c), await probeDestination(c))).to.equal(null);
    // Changes below the top are not looked at (cheap on purpose): the engine's next run would fix them.
    fs.writeFileSync(path.join(root, 'a', 'sub', 'new.txt'), 'n');
    expect(whyNotDone(c, await record(c), await probeDestination(c))).to.equal(null);
  });

  it('a wiped destination does not', async () => {
    const c = chunk(root, 'a');
    const rec = await record(c);
    fs.rmSync(path.join(root, 'a'), { recursive: true });
    expect(whyNotDone(c, rec, await probeDestination(c))).to.match(/missing/);
  });

  it('a wiped and recreated (or swapped) directory with the same names does not', async () => {
    const c = chunk(root, 'a');
    const rec = await record(c);
    fs.renameSync(path.join(root, 'a'), path.join(root, 'a-old'));
    fs.cpSync(path.join(root, 'a-old'), path.join(root, 'a'), { recursive: true });
    expect(whyNotDone(c, rec, await probeDestination(c))).to.match(/another directory/);
  });

  it('a top level with other entries does not', async () => {
    const c = chunk(root, 'a');
    const rec = await record(c);
    fs.rmSync(path.join(root, 'a', 'f.txt'));
    expect(whyNotDone(c, rec, await probeDestination(c))).to.match(/no longer holds/);
    fs.writeFileSync(path.join(root, 'a', 'f.TXT'), 'f');
    expect(whyNotDone(c, rec, await probeDestination(c))).to.match(/no longer holds/);
  });

  it('a link where the chunk directory was is not a directory', async () => {
    const c = chunk(root, 'a');
    const rec = await record(c);
    fs.renameSync(path.join(root, 'a'), path.join(root, 'elsewhere'));
    fs.symlinkSync(path.join(root, 'elsewhere'), path.join(root, 'a'));
    expect(whyNotDone(c, rec, await probeDestination(c))).to.match(/missing or not a directory/);
  });

  it('a files-only chunk looks only at its own files, not at the directories other chunks fill', async () => {
    const c = chunk(root, 'b', 'files-only');
    const rec = await record(c);
    fs.mkdirSync(path.join(root, 'b', 'new-subdir'));
    expect(whyNotDone(c, rec, await probeDestination(c))).to.equal(null);
    fs.writeFileSync(path.join(root, 'b', 'y.txt'), 'y');
    expect(whyNotDone(c, rec, await probeDestination(c))).to.match(/no longer holds/);
  });

  it('no record (older robocurse, or a crash right after the chunk) means run again', async () => {
    const c = chunk(root, 'a');
    expect(whyNotDone(c, null, await probeDestination(c))).to.match(/no record/);
  });

  it('verifyDoneChunks checks only the chunks carried as done, and names each one to run again', async () => {
    const a = chunk(root, 'a'); const b = chunk(root, 'b');
    const recs = new Map([[a.id, await record(a)], [b.id, await record(b)]]);
    fs.rmSync(path.join(root, 'b'), { recursive: true });
    const rerun = await verifyDoneChunks([a, b, chunk(root, 'never-done')], new Set([a.id, b.id]), recs);
    expect([...rerun.keys()]).to.deep.equal([b.id]);
  });
});
