import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chunk, CopyOptions, CopyResult } from '../../../../src/api';
import { NativeCopier } from '../../../../src/engines/native';
import { diffTrees, makeTree, removeTemp, stampOldTimes, tempDir, type TreeSpec } from '../../../helpers/make-tree';
import { firstBytesOrTimeout, listFiles, makeChunk, makeOptions } from '../../../contract/contract-fixtures';

const MiB = 1024 * 1024;

/** Nested and empty dirs, unicode and space-laden names, a 0-byte file, multi-MB files. */
const SPEC: TreeSpec = {
  'zero.bin': '',
  'readme with spaces.txt': 'hello\n',
  'ünïcödé — 日本語.txt': 'unicode',
  'big-streamed.bin': 9 * MiB, // above the 8 MiB threshold: streamed copy
  'mid-copyfile.bin': 3 * MiB, // below it: copyFile
  bin: { 'tool.sh': '#!/bin/sh\necho hi\n' },
  private: { 'secret.txt': 's3cret' },
  'read only': { 'frozen.txt': 'ice' },
  deep: { a: { b: { c: { 'leaf.dat': 4097, 'empty dir': {} } } } },
  'empty-top': {},
};

/** Gives every entry distinctive modes and old, sub-millisecond times (dirs after contents). */
function stamp(root: string): void {
  fs.chmodSync(path.join(root, 'bin', 'tool.sh'), 0o755);
  fs.chmodSync(path.join(root, 'private', 'secret.txt'), 0o600);
  fs.chmodSync(path.join(root, 'private'), 0o700);
  stampOldTimes(root);
  fs.chmodSync(path.join(root, 'read only'), 0o555);
  fs.utimesSync(path.join(root, 'read only'), 1_400_000_000.5, 1_400_000_000.5);
}

/** Directory modes and mtimes that differ between two trees (diffTrees checks files only). */
function dirDiffs(a: string, b: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const sa = fs.lstatSync(path.join(a, rel));
    const sb = fs.lstatSync(path.join(b, rel));
    if ((sa.mode & 0o7777) !== (sb.mode & 0o7777)) out.push(`mode of dir ${rel || '.'}`);
    if (Math.floor(sa.mtimeMs) !== Math.floor(sb.mtimeMs)) out.push(`mtime of dir ${rel || '.'}`);
    for (const e of fs.readdirSync(path.join(a, rel), { withFileTypes: true })) if (e.isDirectory()) walk(path.join(rel, e.name));
  };
  walk('');
  return out;
}

/** Every name under root, hidden ones included. */
function allNames(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      out.push(e.name);
      if (e.isDirectory()) walk(path.join(dir, e.name));
    }
  };
  walk(root);
  return out;
}

function makeWritable(root: string): void {
  if (!fs.existsSync(root)) return;
  const walk = (dir: string): void => {
    fs.chmodSync(dir, 0o755);
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(dir, e.name));
  };
  walk(root);
}

describe('native engine end to end', function () {
  this.timeout(60_000);
  let root: string;
  let src: string;
  let dst: string;
  const copier = new NativeCopier({ progressIntervalMs: 10 });
  const run = (chunk: Chunk, over: Partial<CopyOptions> = {}): Promise<CopyResult> => copier.start(chunk, makeOptions(over)).done;

  beforeEach(() => {
    root = tempDir('robocurse-native-it-');
    src = path.join(root, 'src');
    dst = path.join(root, 'dst');
  });

  afterEach(() => {
    makeWritable(root);
    removeTemp(root);
  });

  it('copies a tree byte for byte with mtimes and modes, then a re-run copies nothing', async () => {
    makeTree(src, SPEC);
    stamp(src);
    const chunk = makeChunk(src, dst);
    const first = await run(chunk);
    expect(first.errors).to.deep.equal([]);
    expect(first.exitCode).to.equal(1);
    expect(first.exitMeaning.severity).to.equal('Success');
    expect(first.stats.filesCopied).to.equal(chunk.estimatedFiles);
    expect(first.stats.bytesCopied).to.equal(chunk.estimatedBytes);
    expect(diffTrees(src, dst)).to.deep.equal([]);
    expect(dirDiffs(src, dst)).to.deep.equal([]);
    expect(fs.existsSync(path.join(dst, 'deep', 'a', 'b', 'c', 'empty dir'))).to.equal(true);

    const second = await run(chunk);
    expect(second.exitCode).to.equal(0);
    expect(second.stats).to.include({ filesCopied: 0, bytesCopied: 0, filesSkipped: chunk.estimatedFiles, bytesSkipped: chunk.estimatedBytes });
    expect(diffTrees(src, dst)).to.deep.equal([]);
    expect(dirDiffs(src, dst)).to.deep.equal([]);
  });

  it('counts every directory it made (dirsCreated), the copy threads\' as the main thread\'s, and none on a re-run', async () => {
    const spec: TreeSpec = {};
    for (let d = 0; d < 3; d++) {
      const top: TreeSpec = {};
      for (let s = 0; s < 4; s++) top[`s${s}`] = { 'f.txt': 'x', deeper: { 'g.txt': 'y', empty: {} } };
      spec[`d${d}`] = top;
    }
    makeTree(src, spec);
    const chunk = makeChunk(src, dst);
    const first = await run(chunk);
    expect(first.errors).to.deep.equal([]);
    // The root, 3 tops, and 12 of each of s*, deeper and empty.
    expect(first.stats).to.include({ dirsCreated: 1 + 3 + 3 * 12, filesCopied: 24 });
    expect((await run(chunk)).stats).to.include({ dirsCreated: 0, filesCopied: 0, filesSkipped: 24 });
  });

  it('copies a changed file again on a re-run', async () => {
    makeTree(src, { 'a.txt': 'one', 'b.txt': 'two' });
    await run(makeChunk(src, dst));
    fs.writeFileSync(path.join(src, 'a.txt'), 'changed');
    const r = await run(makeChunk(src, dst));
    expect(r.stats).to.include({ filesCopied: 1, filesSkipped: 1 });
    expect(diffTrees(src, dst, { mode: false })).to.deep.equal([]);
  });

  it('mirror removes an extra file and an extra dir, and keeps excluded destination entries', async () => {
    makeTree(src, { 'a.txt': 'a', sub: { 'b.txt': 'b' } });
    makeTree(dst, { 'extra.txt': 'x', 'extra dir': { 'deep.txt': 'd', more: {} }, 'notes.keep': 'k', sub: { 'extra2.txt': 'y', 'old.keep': 'o' } });
    const r = await run(makeChunk(src, dst), { mirror: true, excludeFiles: ['*.keep'] });
    expect(r.errors).to.deep.equal([]);
    expect(r.stats.extrasRemoved).to.equal(3);
    expect(r.exitCode & 2).to.equal(2);
    expect([...listFiles(dst).keys()].sort()).to.deep.equal(['a.txt', 'notes.keep', 'sub/b.txt', 'sub/old.keep']);
    expect(fs.existsSync(path.join(dst, 'extra dir'))).to.equal(false);
  });

  it('reports extras without removing them when not mirroring', async () => {
    makeTree(src, { 'a.txt': 'a' });
    makeTree(dst, { 'extra.txt': 'x' });
    const r = await run(makeChunk(src, dst));
    expect(r.exitCode).to.equal(3);
    expect(r.exitMeaning.message).to.contain('extra');
    expect(fs.existsSync(path.join(dst, 'extra.txt'))).to.equal(true);
  });

  it('a dry run reports what it would do and writes nothing', async () => {
    makeTree(src, { 'a.txt': 'aaa', sub: { 'b.txt': 'b' } });
    makeTree(dst, { 'extra.txt': 'x' });
    const r = await run(makeChunk(src, dst), { dryRun: true, mirror: true });
    expect(r.stats).to.include({ filesCopied: 2, bytesCopied: 4, extrasRemoved: 1 });
    expect(r.exitMeaning.message).to.contain('would be');
    expect(fs.readdirSync(dst)).to.deep.equal(['extra.txt']);
  });

  it('a killed chunk leaves no temp or partial files, and a re-run completes', async () => {
    makeTree(src, { 'one.bin': 4 * MiB, 'two.bin': 4 * MiB, sub: { 'three.bin': 2 * MiB, 'small.txt': 'x' } });
    const job = copier.start(makeChunk(src, dst), makeOptions({ bandwidthBytesPerSec: 2 * MiB }));
    expect(await firstBytesOrTimeout(job, 5000)).to.not.equal(null);
    await job.kill();
    const killed = await job.done;
    expect(killed.killed).to.equal(true);
    expect(allNames(dst).filter((n) => n.includes('robocurse') || n.endsWith('.tmp'))).to.deep.equal([]);
    const present = listFiles(dst);
    expect(present.size, 'copy was interrupted').to.be.lessThan(4);
    for (const [rel, size] of present) expect(size, rel).to.equal(fs.statSync(path.join(src, rel)).size);

    const again = await run(makeChunk(src, dst));
    expect(again.exitMeaning.severity).to.equal('Success');
    expect(diffTrees(src, dst, { mode: false })).to.deep.equal([]);
  });

  it('reports bytes while one large file is still being copied', async () => {
    makeTree(src, { 'large.bin': 4 * MiB });
    const job = copier.start(makeChunk(src, dst), makeOptions({ engineOptions: { native: { streamThresholdBytes: 64 * 1024, streamBlockBytes: 64 * 1024, progressIntervalMs: 0 } } }));
    const midFile: number[] = [];
    job.onProgress((p) => { if (p.filesCopied === 0) midFile.push(p.bytesCopied); });
    const r = await job.done;
    expect(r.stats.filesCopied).to.equal(1);
    expect(midFile.filter((b) => b > 0 && b < 4 * MiB).length, 'updates within the file').to.be.greaterThan(10);
    expect(job.progress()).to.include({ bytesCopied: 4 * MiB, filesCopied: 1, currentFile: 'large.bin' });
  });

  it('shares one bandwidth budget across jobs, changeable live', async () => {
    const shared = new NativeCopier({ totalBandwidthBytesPerSec: 512 * 1024 });
    makeTree(path.join(src, 'a'), { 'a.bin': MiB });
    makeTree(path.join(src, 'b'), { 'b.bin': MiB });
    const jobs = ['a', 'b'].map((d) => shared.start(makeChunk(path.join(src, d), path.join(dst, d)), makeOptions()));
    await new Promise((r) => setTimeout(r, 300));
    // 0.3 s at 512 KiB/s plus the initial burst: far below the 2 MiB the jobs want.
    const sum = jobs.reduce((n, j) => n + j.progress().bytesCopied, 0);
    expect(sum).to.be.lessThan(MiB);
    shared.sharedBandwidth.setRate(0);
    const results = await Promise.all(jobs.map((j) => j.done));
    expect(results.map((r) => r.stats.bytesCopied)).to.deep.equal([MiB, MiB]);
  });

  it('setBandwidth changes a running job\'s limit', async () => {
    makeTree(src, { 'one.bin': 2 * MiB });
    const job = copier.start(makeChunk(src, dst), makeOptions({ bandwidthBytesPerSec: 128 * 1024 }));
    await new Promise((r) => setTimeout(r, 200));
    expect(job.progress().bytesCopied).to.be.lessThan(MiB);
    job.setBandwidth!(0);
    const r = await job.done;
    expect(r.stats.bytesCopied).to.equal(2 * MiB);
  });

  it('collects a per-file error (directory in the way) and copies the rest', async () => {
    makeTree(src, { 'ok.txt': 'fine', 'collide.txt': 'file here', sub: { 'more.bin': 1000 } });
    makeTree(dst, { 'collide.txt': { 'inside.txt': 'dir there' } });
    const r = await run(makeChunk(src, dst));
    expect(r.errors.map((e) => [e.path, e.code])).to.deep.equal([['collide.txt', 'EISDIR']]);
    expect(r.stats).to.include({ filesCopied: 2, filesFailed: 1, bytesFailed: 9 });
    expect(r.exitCode).to.equal(1 | 8);
    expect(r.exitMeaning).to.include({ severity: 'Error', shouldRetry: true });
    expect(fs.readFileSync(path.join(dst, 'ok.txt'), 'utf8')).to.equal('fine');
    expect(fs.readFileSync(path.join(dst, 'sub', 'more.bin')).equals(fs.readFileSync(path.join(src, 'sub', 'more.bin')))).to.equal(true);
    expect(fs.readFileSync(path.join(dst, 'collide.txt', 'inside.txt'), 'utf8')).to.equal('dir there');
  });

  it('collects EACCES for an unreadable file and copies the rest (as an unprivileged uid)', () => {
    makeTree(src, { 'ok.txt': 'fine', 'locked.txt': 'secret', sub: { 'b.txt': 'b' } });
    fs.chmodSync(path.join(src, 'locked.txt'), 0o000);
    // Root reads mode-000 files, so the copy runs as nobody (65534) when the tests run as root.
    fs.chmodSync(root, 0o777);
    fs.chmodSync(src, 0o755);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const script = path.join(__dirname, 'fixtures', 'native-copy-to-json.js');
    const r = JSON.parse(execFileSync(process.execPath, [script, src, dst], { ...asNobody, encoding: 'utf8' })) as CopyResult;
    expect(r.errors.map((e) => [e.path, e.code])).to.deep.equal([['locked.txt', 'EACCES']]);
    expect(r.stats).to.include({ filesCopied: 2, filesFailed: 1 });
    expect(r.exitMeaning.severity).to.equal('Error');
    expect([...listFiles(dst).keys()].sort()).to.deep.equal(['ok.txt', 'sub/b.txt']);
  });

  it('copies symbolic links as links and FIFOs as FIFOs by default, following none', async () => {
    makeTree(src, { 'real.txt': 'r', realdir: { 'in.txt': 'i' }, 'link-file': { symlink: 'real.txt' }, 'link-dir': { symlink: 'realdir' }, dangling: { symlink: '/nonexistent/x' } });
    execFileSync('mkfifo', [path.join(src, 'pipe')]);
    const r = await run(makeChunk(src, dst));
    expect(r.exitCode).to.equal(1);
    expect(fs.readdirSync(dst).sort()).to.deep.equal(['dangling', 'link-dir', 'link-file', 'pipe', 'real.txt', 'realdir']);
    expect(fs.readlinkSync(path.join(dst, 'link-dir'))).to.equal('realdir');
    expect(fs.readlinkSync(path.join(dst, 'dangling'))).to.equal('/nonexistent/x');
    expect(fs.lstatSync(path.join(dst, 'pipe')).isFIFO()).to.equal(true);
    const again = await run(makeChunk(src, dst));
    expect(again.exitCode).to.equal(0);
    expect(again.stats.filesSkipped).to.equal(6);
  });

  it('skips symbolic links and special files without following them, with a Warning, when preserve keeps neither', async () => {
    makeTree(src, { 'real.txt': 'r', realdir: { 'in.txt': 'i' }, 'link-file': { symlink: 'real.txt' }, 'link-dir': { symlink: 'realdir' } });
    execFileSync('mkfifo', [path.join(src, 'pipe')]);
    const preserve = { owners: false, symlinks: false, hardLinks: true, specials: false, sparse: true, xattrs: true, acls: true, modes: true, atimes: false, directoryTimes: true };
    const r = await run(makeChunk(src, dst), { preserve });
    expect(r.exitCode).to.equal(1 | 4);
    expect(r.exitMeaning.severity).to.equal('Warning');
    expect(r.exitMeaning.message).to.contain('3 symbolic link(s) or special file(s) skipped');
    expect(fs.readdirSync(dst).sort()).to.deep.equal(['real.txt', 'realdir']);
  });

  it('follows a chunk root that is a link (the admin chose it), but no link below it', async () => {
    makeTree(src, { 'a.txt': 'a' });
    makeTree(root, { real: {}, 'dst-link': { symlink: 'real' } });
    const r = await run(makeChunk(src, path.join(root, 'dst-link')));
    expect(r.exitMeaning.severity).to.equal('Success');
    expect(fs.readFileSync(path.join(root, 'real', 'a.txt'), 'utf8')).to.equal('a');
    expect(fs.lstatSync(path.join(root, 'dst-link')).isSymbolicLink()).to.equal(true);
  });

  it('a missing source root is Fatal and not retried', async () => {
    const r = await run(makeChunk(path.join(root, 'missing'), dst));
    expect(r.exitCode).to.equal(16);
    expect(r.exitMeaning).to.include({ severity: 'Fatal', shouldRetry: false });
    expect(r.errors[0].code).to.equal('ENOENT');
  });
});
