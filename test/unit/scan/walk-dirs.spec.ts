import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExcludeRules } from '../../../src/api';
import { walkDirs, type ScanIo } from '../../../src/scan';
import { nodeScanIo } from '../../../src/scan/scan-io';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

const none: ExcludeRules = { excludeFiles: [], excludeDirs: [], caseInsensitive: false };

describe('walkDirs (worker function)', () => {
  let root: string;
  beforeEach(() => {
    root = tempDir();
    makeTree(root, { 'f1': 10, 'f2': 20, a: { 'g': 5, b: { 'h': 7 } }, c: {}, l: { symlink: 'a' }, dl: { symlink: 'missing' } });
  });
  afterEach(() => removeTemp(root));

  it('sums own files per directory, parents before children, and records links unfollowed', () => {
    const r = walkDirs({ root, dirs: [''], budget: 1e9, excludes: none });
    expect(r.dirs).to.deep.equal([
      { relPath: '', ownFiles: 2, ownBytes: 30, state: 'ok' },
      { relPath: 'a', ownFiles: 1, ownBytes: 5, state: 'ok' },
      { relPath: 'a/b', ownFiles: 1, ownBytes: 7, state: 'ok' },
      { relPath: 'c', ownFiles: 0, ownBytes: 0, state: 'ok' },
    ]);
    expect(r.links.sort((x, y) => x.relPath.localeCompare(y.relPath))).to.deep.equal([
      { relPath: 'dl', target: 'unknown' }, { relPath: 'l', target: 'dir' },
    ]);
    expect(r.errors).to.deep.equal([]);
    expect(r.pending).to.deep.equal([]);
  });

  it('hands back unvisited directories once the budget is spent', () => {
    const r = walkDirs({ root, dirs: [''], budget: 1, excludes: none });
    expect(r.dirs.map((d) => d.relPath)).to.deep.equal(['']);
    expect(r.pending).to.deep.equal(['a', 'c']);
    const rest = walkDirs({ root, dirs: r.pending, budget: 1e9, excludes: none });
    expect(rest.dirs.map((d) => d.relPath)).to.deep.equal(['a', 'a/b', 'c']);
  });

  it('applies file and directory excludes while walking', () => {
    const r = walkDirs({ root, dirs: [''], budget: 1e9, excludes: { excludeFiles: ['f2', 'h'], excludeDirs: ['c', 'a/b'], caseInsensitive: false } });
    expect(r.dirs).to.deep.equal([
      { relPath: '', ownFiles: 1, ownBytes: 10, state: 'ok' },
      { relPath: 'a', ownFiles: 1, ownBytes: 5, state: 'ok' },
    ]);
  });

  it('reports a directory that vanished before it was listed as gone, with ENOENT', () => {
    // Race-free stand-in for "deleted between the parent's readdir and its own": the task
    // names a directory that no longer exists, exactly what a worker receives in that case.
    fs.rmSync(path.join(root, 'c'), { recursive: true });
    const r = walkDirs({ root, dirs: ['c', 'a'], budget: 1e9, excludes: none });
    expect(r.dirs[0]).to.deep.equal({ relPath: 'c', ownFiles: 0, ownBytes: 0, state: 'gone' });
    expect(r.errors).to.have.length(1);
    expect(r.errors[0]).to.include({ relPath: 'c', code: 'ENOENT' });
    expect(r.dirs.map((d) => d.relPath)).to.deep.equal(['c', 'a', 'a/b']);
  });

  it('records a file that vanished between readdir and lstat as an ENOENT error and goes on', () => {
    // The window between readdir and lstat cannot be hit reliably from a test, so the listing
    // is taken for real and the file deleted before the walker's lstat through our own seam.
    const io: ScanIo = {
      ...nodeScanIo,
      lstat: (p) => {
        if (path.basename(p) === 'f1') fs.rmSync(p);
        return nodeScanIo.lstat(p);
      },
    };
    const r = walkDirs({ root, dirs: [''], budget: 1e9, excludes: none }, io);
    expect(r.errors).to.have.length(1);
    expect(r.errors[0]).to.include({ relPath: 'f1', code: 'ENOENT' });
    expect(r.dirs[0]).to.deep.equal({ relPath: '', ownFiles: 1, ownBytes: 20, state: 'ok' });
    expect(r.dirs).to.have.length(4);
  });

  it('reports an unlistable directory as unreadable with its error code', () => {
    const io: ScanIo = {
      ...nodeScanIo,
      readdir: (p) => {
        if (p.endsWith('/a')) throw Object.assign(new Error(`EACCES: permission denied, scandir '${p}'`), { code: 'EACCES' });
        return nodeScanIo.readdir(p);
      },
    };
    const r = walkDirs({ root, dirs: [''], budget: 1e9, excludes: none }, io);
    expect(r.dirs.find((d) => d.relPath === 'a')).to.deep.equal({ relPath: 'a', ownFiles: 0, ownBytes: 0, state: 'unreadable' });
    expect(r.errors.map((e) => [e.relPath, e.code])).to.deep.equal([['a', 'EACCES']]);
    expect(r.dirs.map((d) => d.relPath)).to.deep.equal(['', 'a', 'c']);
  });

  it('tells the type of an entry whose dirent has none (DT_UNKNOWN) with lstat', () => {
    const io: ScanIo = {
      ...nodeScanIo,
      readdir: (p) => nodeScanIo.readdir(p).map((d) => {
        const bare = Object.create(Object.getPrototypeOf(d)) as fs.Dirent;
        return Object.assign(bare, { name: d.name, parentPath: d.parentPath, path: d.parentPath, [Object.getOwnPropertySymbols(d)[0]]: 0 });
      }),
    };
    expect(io.readdir(root).some((d) => d.isFile() || d.isDirectory() || d.isSymbolicLink()), 'typeless dirents').to.equal(false);
    const r = walkDirs({ root, dirs: [''], budget: 1e9, excludes: none }, io);
    expect(r.dirs.map((d) => [d.relPath, d.ownFiles, d.ownBytes])).to.deep.equal([['', 2, 30], ['a', 1, 5], ['a/b', 1, 7], ['c', 0, 0]]);
    expect(r.links.map((l) => l.relPath).sort()).to.deep.equal(['dl', 'l']);
  });
});
