import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NativeCopier } from '../../../../src/engines/native';
import type { CleanWalkResult } from '../../../../src/engines/native/clean-walk';
import { WorkerPools, type PoolKind, type WorkerPool } from '../../../../src/workers';
import { makeChunk, makeOptions } from '../../../contract/contract-fixtures';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../../helpers/make-tree';

/** The real pools, with a look at every clean-walk result as it comes back from its thread. */
class WatchedPools extends WorkerPools {
  private readonly watched = new Set<WorkerPool>();
  constructor(private readonly afterWalk: (r: CleanWalkResult) => void) { super(); }

  override pool(spec: PoolKind): WorkerPool {
    const p = super.pool(spec);
    if (!this.watched.has(p)) {
      this.watched.add(p);
      const run = p.run.bind(p);
      p.run = (async (task: unknown, options: { name?: string } = {}) => {
        const r = await run(task, options);
        if (options.name === 'walkClean') this.afterWalk(r as CleanWalkResult);
        return r;
      }) as WorkerPool['run'];
    }
    return p;
  }
}

/**
 * A directory the copy thread found clean is not looked at again by the main thread; when one of
 * its subdirectories, handed back unlisted (the walk's budget ran out), then has to be made again
 * (it vanished from the destination in between), making it changes the clean parent, whose
 * attributes the main thread must then set again (tree-walk.ts walkSubtrees, `afterwards`).
 * Deterministic: the destination subdirectory is removed the moment the walk task returns.
 */
for (const dirMode of ['proc', 'path'] as const) describe(`native engine: a parent the copy thread found clean gets its times back when a directory below it is made again (${dirMode} mode)`, function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('robocurse-walk-repair-');
    // p holds 200 subdirectories: more than one walk task's budget (64 directories).
    const p: TreeSpec = {};
    for (let i = 0; i < 200; i++) p[`c${String(i).padStart(3, '0')}`] = { 'f.dat': `file ${i}` };
    makeTree(path.join(dir, 'src'), { p, 'top.dat': 'top' });
    execFileSync('touch', ['-d', '2020-01-02 03:04:05.123456789', path.join(dir, 'src', 'p')]);
    execFileSync('cp', ['-a', path.join(dir, 'src'), path.join(dir, 'dst')]);
  });
  afterEach(() => removeTemp(dir));

  it('the subdirectory is made and copied, and the parent\'s mtime is the source\'s again', async () => {
    let removed: string | undefined;
    const pools = new WatchedPools((r) => {
      const later = r.left.find((item) => item.parent && item.rel.startsWith('p/'));
      if (removed || !later) return;
      removed = later.rel;
      fs.rmSync(path.join(dir, 'dst', ...removed.split('/')), { recursive: true });
    });
    const copier = new NativeCopier({ pools, dirMode });
    try {
      const r = await copier.start(makeChunk(path.join(dir, 'src'), path.join(dir, 'dst')), makeOptions()).done;
      expect(r.exitMeaning.severity, r.exitMeaning.message).to.equal('Success');
    } finally {
      await copier.close();
      await pools.closeAll();
    }
    expect(removed, 'the walk left subdirectories of p unlisted (budget)').to.be.a('string');
    const rel = removed!.split('/');
    expect(fs.readFileSync(path.join(dir, 'dst', ...rel, 'f.dat'), 'utf8')).to.equal(fs.readFileSync(path.join(dir, 'src', ...rel, 'f.dat'), 'utf8'));
    const times = (root: string) => { const st = fs.statSync(path.join(dir, root, 'p'), { bigint: true }); return [st.mtimeNs, st.mode]; };
    expect(times('dst')).to.deep.equal(times('src'));
    expect(execFileSync('rsync', ['-ain', '--delete', `${path.join(dir, 'src')}/`, `${path.join(dir, 'dst')}/`], { encoding: 'utf8' })).to.equal('');
  });
});
