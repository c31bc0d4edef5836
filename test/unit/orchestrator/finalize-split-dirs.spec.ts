import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';
import type { Chunk } from '../../../src/api';
import { finalizeSplitDirectories, splitDirectories } from '../../../src/orchestrator/finalize-split-dirs';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { makeProfile } from '../../helpers/profiles';

function chunk(relPath: string, kind: Chunk['kind'] = 'tree'): Chunk {
  return { id: relPath + kind, profile: 'p', kind, relPath, sourcePath: '', destinationPath: '', depth: 0, estimatedFiles: 0, estimatedBytes: 0 };
}

describe('finalizeSplitDirectories', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => removeTemp(dir));

  it('lists the split directories, deepest first; a single root chunk splits nothing', () => {
    expect(splitDirectories([chunk('')])).to.deep.equal([]);
    expect(splitDirectories([chunk('a/b'), chunk('a/c'), chunk('a', 'files-only'), chunk('d')])).to.deep.equal(['a', '']);
  });

  it('with mirror removes extras no chunk owns, keeps excluded ones (absolute excludeDirs included), and restores directory times', async () => {
    makeTree(path.join(dir, 'src'), { a: { b: { 'f.txt': 'f' } }, d: { 'g.txt': 'g' } });
    makeTree(path.join(dir, 'dst'), { a: { b: { 'f.txt': 'f' }, 'stale-dir': { 'x.txt': 'x' }, 'stale.txt': 's' }, d: { 'g.txt': 'g' }, 'gone-dir': {}, 'keep.tmp': 'k', Archive: { 'old.txt': 'o' } });
    const when = new Date('2020-01-02T03:04:05Z');
    fs.utimesSync(path.join(dir, 'src', 'a'), when, when);
    const profile = makeProfile('p', {
      source: path.join(dir, 'src'), destination: path.join(dir, 'dst'), mirror: true,
      excludeFiles: ['*.tmp'], excludeDirs: [path.join(dir, 'src', 'Archive')],
    });
    const res = await finalizeSplitDirectories(profile, profile.source, [chunk('a/b'), chunk('d')], { dryRun: false, logger: pino({ level: 'silent' }) });
    expect(res.extrasRemoved.sort()).to.deep.equal(['a/stale-dir', 'a/stale.txt', 'gone-dir']);
    expect(fs.existsSync(path.join(dir, 'dst', 'gone-dir'))).to.equal(false);
    expect(fs.existsSync(path.join(dir, 'dst', 'keep.tmp'))).to.equal(true);
    expect(fs.existsSync(path.join(dir, 'dst', 'Archive', 'old.txt'))).to.equal(true);
    expect(fs.statSync(path.join(dir, 'dst', 'a')).mtime.toISOString()).to.equal(when.toISOString());
  });

  it('without mirror, or in a dry run, deletes nothing', async () => {
    makeTree(path.join(dir, 'src'), { a: { b: { 'f.txt': 'f' } } });
    makeTree(path.join(dir, 'dst'), { a: { extra: 'e' } });
    const base = { source: path.join(dir, 'src'), destination: path.join(dir, 'dst') };
    await finalizeSplitDirectories(makeProfile('p', { ...base, mirror: false }), base.source, [chunk('a/b')], { dryRun: false, logger: pino({ level: 'silent' }) });
    const dry = await finalizeSplitDirectories(makeProfile('p', { ...base, mirror: true }), base.source, [chunk('a/b')], { dryRun: true, logger: pino({ level: 'silent' }) });
    expect(dry.extrasRemoved).to.deep.equal(['a/extra']);
    expect(fs.existsSync(path.join(dir, 'dst', 'a', 'extra'))).to.equal(true);
  });

  it('never deletes in a directory whose source cannot be listed', async () => {
    makeTree(path.join(dir, 'dst'), { a: { extra: 'e' } });
    const profile = makeProfile('p', { source: path.join(dir, 'missing'), destination: path.join(dir, 'dst'), mirror: true });
    const res = await finalizeSplitDirectories(profile, profile.source, [chunk('a/b')], { dryRun: false, logger: pino({ level: 'silent' }) });
    expect(res.extrasRemoved).to.deep.equal([]);
    expect(res.problems.length).to.be.greaterThan(0);
    expect(fs.existsSync(path.join(dir, 'dst', 'a', 'extra'))).to.equal(true);
  });
});
