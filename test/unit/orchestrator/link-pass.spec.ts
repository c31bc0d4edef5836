import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chunk, Preserve } from '../../../src/api';
import { defaultPreserve } from '../../../src/config/preserve';
import { ChunkOwners, linkHardLinkGroups } from '../../../src/orchestrator/link-pass';
import { hashTree } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { makeProfile } from '../../helpers/profiles';
import { recordingLogger } from '../../helpers/recording-logger';

const chunk = (id: string, kind: Chunk['kind'], relPath: string): Chunk => ({
  id, profile: 'p', kind, relPath, sourcePath: `/s/${relPath}`, destinationPath: `/d/${relPath}`, depth: 1, estimatedFiles: 1, estimatedBytes: 1,
});
const CHUNKS = [chunk('root', 'files-only', ''), chunk('x', 'tree', 'x'), chunk('y', 'tree', 'y')];
const PRESERVE: Preserve = defaultPreserve(true);

describe('link pass: hard links across chunks', () => {
  let root: string;
  let src: string;
  let dst: string;
  beforeEach(() => {
    root = tempDir('robocurse-linkpass-');
    src = path.join(root, 'src');
    dst = path.join(root, 'dst');
    makeTree(src, { x: { f: 'shared data' }, y: {}, top: 't' });
    fs.linkSync(path.join(src, 'x', 'f'), path.join(src, 'y', 'g'));
    fs.linkSync(path.join(src, 'x', 'f'), path.join(src, 'h'));
    fs.utimesSync(path.join(src, 'y'), 1_600_000_000, 1_600_000_000);
    // What chunks that do not see each other make: three separate files (cp -a per chunk).
    fs.mkdirSync(dst);
    for (const d of ['x', 'y']) execFileSync('cp', ['-a', path.join(src, d), path.join(dst, d)]);
    execFileSync('cp', ['-a', path.join(src, 'h'), path.join(src, 'top'), dst]);
  });
  afterEach(() => removeTemp(root));

  const groups = [{ paths: ['h', 'x/f', 'y/g'] }];
  const run = (over: Partial<Parameters<typeof linkHardLinkGroups>[4]> = {}) => linkHardLinkGroups(
    makeProfile('p', { source: src, destination: dst }), src, CHUNKS, groups,
    { dryRun: false, logger: recordingLogger(), preserve: PRESERVE, engineLinksWithinChunk: true, ...over },
  );

  it('knows which chunk copies a path', () => {
    const owners = new ChunkOwners(CHUNKS);
    expect(owners.of('h')).to.equal('root');
    expect(owners.of('x/f')).to.equal('x');
    expect(owners.of('y/deep/g')).to.equal('y');
  });

  it('links every name to the first one\'s copy, gives the directories their times back, and a second pass touches nothing', async () => {
    const r = await run();
    expect(r.problems).to.deep.equal([]);
    expect(r.linked.sort()).to.deep.equal(['x/f', 'y/g']);
    const ino = fs.statSync(path.join(dst, 'h')).ino;
    expect(fs.statSync(path.join(dst, 'x', 'f')).ino).to.equal(ino);
    expect(fs.statSync(path.join(dst, 'y', 'g')).ino).to.equal(ino);
    expect(fs.statSync(path.join(dst, 'h')).nlink).to.equal(3);
    expect(fs.statSync(path.join(dst, 'y'), { bigint: true }).mtimeNs).to.equal(fs.statSync(path.join(src, 'y'), { bigint: true }).mtimeNs);
    expect(fs.readdirSync(path.join(dst, 'y'))).to.deep.equal(['g']);
    const before = hashTree(dst);
    const again = await run();
    expect(again).to.deep.equal({ linked: [], problems: [] });
    expect(hashTree(dst)).to.equal(before);
  });

  it('a dry run says what it would link and changes nothing', async () => {
    const before = hashTree(dst);
    const r = await run({ dryRun: true });
    expect(r.linked.sort()).to.deep.equal(['x/f', 'y/g']);
    expect(hashTree(dst)).to.equal(before);
  });

  it('leaves a group alone when the first copy is not current (its chunk failed), and says so', async () => {
    fs.writeFileSync(path.join(dst, 'h'), 'stale!');
    const r = await run();
    expect(r.linked).to.deep.equal([]);
    expect(r.problems[0]).to.contain('h').and.contain('not current');
  });

  it('never follows a link planted where a destination directory belongs', async () => {
    const victim = path.join(root, 'victim');
    makeTree(victim, { g: 'victim data' });
    fs.rmSync(path.join(dst, 'y'), { recursive: true });
    fs.symlinkSync(victim, path.join(dst, 'y'));
    const before = hashTree(victim);
    const r = await run();
    expect(r.linked).to.deep.equal(['x/f']);
    expect(hashTree(victim)).to.equal(before);
    expect(fs.lstatSync(path.join(dst, 'y')).isSymbolicLink()).to.equal(true);
  });

  it('does nothing when hard links are not kept', async () => {
    const before = hashTree(dst);
    expect((await run({ preserve: { ...PRESERVE, hardLinks: false } })).linked).to.deep.equal([]);
    expect(hashTree(dst)).to.equal(before);
  });
});
