import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';
import type { Chunk } from '../../../src/api';
import { fsPath } from '../../../src/fs/byte-names';
import type { CaseSensitivity } from '../../../src/fs/case-sensitivity';
import { finalizeSplitDirectories } from '../../../src/orchestrator/finalize-split-dirs';
import { hashTree } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { makeProfile } from '../../helpers/profiles';

function chunk(relPath: string, kind: Chunk['kind'] = 'tree'): Chunk {
  return { id: relPath + kind, profile: 'p', kind, relPath, sourcePath: '', destinationPath: '', depth: 0, estimatedFiles: 0, estimatedBytes: 0 };
}

const silent = pino({ level: 'silent' });
const sensitive: CaseSensitivity = { caseInsensitive: false, how: 'entry' };
const insensitive: CaseSensitivity = { caseInsensitive: true, how: 'entry' };
const exists = (p: string): boolean => fs.existsSync(fsPath(p));

describe('finalizeSplitDirectories: names as bytes and destination case', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => removeTemp(dir));

  it('compares names as bytes: a Latin-1 name in the source is never an extra, a byte-different one is', async () => {
    makeTree(path.join(dir, 'src'), { a: { 'd\udcfc': { 'x': 'x' }, 'f\udcff': 'f' }, b: { 'y': 'y' } });
    makeTree(path.join(dir, 'dst'), { a: { 'd\udcfc': { 'x': 'x' }, 'f\udcff': 'f', 'f\udcfe': 'extra', 'f\ufffd': 'extra too' }, b: { 'y': 'y' } });
    const profile = makeProfile('p', { source: path.join(dir, 'src'), destination: path.join(dir, 'dst'), mirror: true });
    const res = await finalizeSplitDirectories(profile, profile.source, [chunk('a', 'files-only'), chunk('a/d\udcfc'), chunk('b')], { dryRun: false, logger: silent, destinationCase: sensitive });
    expect(res.extrasRemoved.sort()).to.deep.equal(['a/f\udcfe', 'a/f\ufffd']);
    expect(res.problems).to.deep.equal([]);
    expect(exists(path.join(dir, 'dst', 'a', 'f\udcff'))).to.equal(true);
    expect(exists(path.join(dir, 'dst', 'a', 'd\udcfc', 'x'))).to.equal(true);
    expect(exists(path.join(dir, 'dst', 'a', 'f\udcfe'))).to.equal(false);
  });

  it('on a destination that ignores case, `finance` is the replica of the source\'s `Finance`, not an extra', async () => {
    // ext4 here is case-sensitive, so the two really are different directories: which one is kept
    // follows only from the probe result given, and shows it is used.
    makeTree(path.join(dir, 'src'), { Finance: { 'q1.xls': 'q1' }, HR: { 'a.txt': 'a' } });
    const dstSpec = { finance: { 'q1.xls': 'q1', 'old.xls': 'old' }, HR: { 'a.txt': 'a' }, stale: 's' };
    makeTree(path.join(dir, 'dst'), dstSpec);
    const profile = makeProfile('p', { source: path.join(dir, 'src'), destination: path.join(dir, 'dst'), mirror: true });
    const chunks = [chunk('Finance'), chunk('HR')];
    const ci = await finalizeSplitDirectories(profile, profile.source, chunks, { dryRun: false, logger: silent, destinationCase: insensitive });
    expect(ci.extrasRemoved).to.deep.equal(['stale']);
    expect(exists(path.join(dir, 'dst', 'finance', 'old.xls')), 'inside finance is its chunk\'s business').to.equal(true);
    const cs = await finalizeSplitDirectories(profile, profile.source, chunks, { dryRun: false, logger: silent, destinationCase: sensitive });
    expect(cs.extrasRemoved).to.deep.equal(['finance']);
  });

  it('reports source names that differ only in case when the destination ignores case', async () => {
    makeTree(path.join(dir, 'src'), { a: { 'Report.txt': '1', 'report.txt': '2' }, b: {} });
    makeTree(path.join(dir, 'dst'), { a: { 'Report.txt': '2' } });
    const profile = makeProfile('p', { source: path.join(dir, 'src'), destination: path.join(dir, 'dst'), mirror: true });
    const res = await finalizeSplitDirectories(profile, profile.source, [chunk('a', 'files-only'), chunk('b')], { dryRun: false, logger: silent, destinationCase: insensitive });
    expect(res.extrasRemoved).to.deep.equal([]);
    expect(res.problems.join('\n')).to.match(/'Report\.txt' and 'report\.txt' differ only in case/);
  });
});

describe('finalizeSplitDirectories never follows a symlink in the destination', () => {
  let dir: string;
  let victim: string;
  beforeEach(() => {
    dir = tempDir();
    victim = path.join(dir, 'victim');
    makeTree(victim, { 'precious.txt': 'do not touch', sub: { 'deep.txt': 'nor this' } });
    fs.utimesSync(victim, new Date('2001-01-01T00:00:00Z'), new Date('2001-01-01T00:00:00Z'));
    makeTree(path.join(dir, 'src'), { a: { b: { 'f.txt': 'f' }, c: { 'g.txt': 'g' } }, top: { 't.txt': 't' } });
  });
  afterEach(() => removeTemp(dir));

  const chunks = [chunk('a/b'), chunk('a/c'), chunk('top')];
  const run = (mirror: boolean, dryRun = false): Promise<{ extrasRemoved: string[]; problems: string[] }> => {
    const profile = makeProfile('p', { source: path.join(dir, 'src'), destination: path.join(dir, 'dst'), mirror });
    return finalizeSplitDirectories(profile, profile.source, chunks, { dryRun, logger: silent, destinationCase: sensitive });
  };

  it('a split directory that is a link: removed under mirror (not followed: no deletion, no times in its target)', async () => {
    makeTree(path.join(dir, 'dst'), { a: { symlink: victim }, top: { 't.txt': 't' } });
    const before = hashTree(victim);
    const res = await run(true);
    expect(hashTree(victim)).to.equal(before);
    expect(fs.lstatSync(path.join(dir, 'dst')).isDirectory()).to.equal(true);
    expect(fs.existsSync(path.join(dir, 'dst', 'a'))).to.equal(false);
    expect(res.extrasRemoved).to.deep.equal(['a']);
    expect(res.problems.join('\n')).to.match(/a: was a symbolic link .* removed, not followed/);
  });

  it('a parent of a split directory that is a link: the same; without mirror it is reported and left, target untouched', async () => {
    fs.mkdirSync(path.join(dir, 'dst', 'x'), { recursive: true });
    const deeper = [chunk('a/b/one'), chunk('a/b/two'), chunk('top')];
    makeTree(path.join(dir, 'src', 'a', 'b'), { one: {}, two: {} });
    fs.symlinkSync(victim, path.join(dir, 'dst', 'a'));
    const before = hashTree(victim);
    const profile = (mirror: boolean) => makeProfile('p', { source: path.join(dir, 'src'), destination: path.join(dir, 'dst'), mirror });
    const keep = await finalizeSplitDirectories(profile(false), path.join(dir, 'src'), deeper, { dryRun: false, logger: silent, destinationCase: sensitive });
    expect(hashTree(victim)).to.equal(before);
    expect(fs.lstatSync(path.join(dir, 'dst', 'a')).isSymbolicLink()).to.equal(true);
    expect(keep.extrasRemoved).to.deep.equal([]);
    expect(keep.problems.join('\n')).to.match(/a: is a symbolic link in the destination .* not followed, left as is/);
    const dry = await finalizeSplitDirectories(profile(true), path.join(dir, 'src'), deeper, { dryRun: true, logger: silent, destinationCase: sensitive });
    expect(dry.extrasRemoved).to.include('a');
    expect(fs.lstatSync(path.join(dir, 'dst', 'a')).isSymbolicLink(), 'a dry run removes nothing').to.equal(true);
    const mir = await finalizeSplitDirectories(profile(true), path.join(dir, 'src'), deeper, { dryRun: false, logger: silent, destinationCase: sensitive });
    expect(hashTree(victim)).to.equal(before);
    expect(fs.existsSync(path.join(dir, 'dst', 'a'))).to.equal(false);
    expect(mir.extrasRemoved).to.include('a');
    expect(fs.existsSync(path.join(dir, 'dst', 'x')), 'the real extra next to it is removed').to.equal(false);
  });

  it('an extra that is a link to a directory is unlinked, its target kept whole', async () => {
    makeTree(path.join(dir, 'dst'), { a: { b: { 'f.txt': 'f' }, c: { 'g.txt': 'g' }, evil: { symlink: victim } }, top: { 't.txt': 't' } });
    const before = hashTree(victim);
    const res = await run(true);
    expect(res.extrasRemoved).to.deep.equal(['a/evil']);
    expect(hashTree(victim)).to.equal(before);
    expect(fs.existsSync(path.join(dir, 'dst', 'a', 'evil'))).to.equal(false);
  });

  it('an extra directory holding links to outside is removed without entering them', async () => {
    makeTree(path.join(dir, 'dst'), { a: { b: {}, c: {}, gone: { inner: { symlink: victim }, more: { deeper: { symlink: path.join(victim, 'sub') } } } }, top: {} });
    const before = hashTree(victim);
    const res = await run(true);
    expect(res.extrasRemoved).to.deep.equal(['a/gone']);
    expect(hashTree(victim)).to.equal(before);
  });

  it('a source directory swapped for a link since the scan: nothing deleted there', async () => {
    makeTree(path.join(dir, 'dst'), { a: { b: {}, c: {}, extra: 'keep me' }, top: {} });
    fs.renameSync(path.join(dir, 'src', 'a'), path.join(dir, 'real-a'));
    fs.symlinkSync(path.join(dir, 'real-a'), path.join(dir, 'src', 'a'));
    const res = await run(true);
    expect(fs.existsSync(path.join(dir, 'dst', 'a', 'extra'))).to.equal(true);
    expect(res.problems.join('\n')).to.match(/a: cannot list the source \(a is now a symbolic link\)/);
  });
});
