import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { F, LIST_FIELDS } from '../../../src/fs/list-stat';
import type { ExcludeRules } from '../../../src/api';
import { walkDirs, type ScanIo } from '../../../src/scan';
import { nodeScanIo } from '../../../src/scan/scan-io';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

const none: ExcludeRules = { excludeFiles: [], excludeDirs: [], caseInsensitive: false };

/** The walk without the helper's listStat: directories streamed, each file lstat'ed (these seams act on those calls). */
const streamed: ScanIo = { ...nodeScanIo, listStat: undefined };

const denied = (p: string): Error => Object.assign(new Error(`EACCES: permission denied, opendir '${p}'`), { code: 'EACCES' });

/** opendir as the file system's, but the directory `a` cannot be listed. */
const aUnlistable: ScanIo['opendir'] = (p) => {
  if (p.endsWith('/a')) throw denied(p);
  return nodeScanIo.opendir(p);
};

/** Directory listings come in file-system order: compare as sets, sorted by relPath. */
const sorted = <T extends { relPath: string } | string>(xs: T[]): T[] =>
  [...xs].sort((a, b) => {
    const ka = typeof a === 'string' ? a : a.relPath;
    const kb = typeof b === 'string' ? b : b.relPath;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });

describe('walkDirs (worker function)', () => {
  let root: string;
  beforeEach(() => {
    root = tempDir();
    makeTree(root, { 'f1': 10, 'f2': 20, a: { 'g': 5, b: { 'h': 7 } }, c: {}, l: { symlink: 'a' }, dl: { symlink: 'missing' } });
  });
  afterEach(() => removeTemp(root));

  it('sums own files per directory, parents before children, and records links unfollowed', () => {
    const r = walkDirs({ root, dirs: [''], budget: 1e9, excludes: none });
    expect(sorted(r.dirs)).to.deep.equal([
      { relPath: '', ownFiles: 2, ownBytes: 30, state: 'ok' },
      { relPath: 'a', ownFiles: 1, ownBytes: 5, state: 'ok' },
      { relPath: 'a/b', ownFiles: 1, ownBytes: 7, state: 'ok' },
      { relPath: 'c', ownFiles: 0, ownBytes: 0, state: 'ok' },
    ]);
    const order = r.dirs.map((d) => d.relPath);
    expect(order.indexOf('')).to.equal(0);
    expect(order.indexOf('a')).to.be.below(order.indexOf('a/b'));
    expect(sorted(r.links)).to.deep.equal([
      { relPath: 'dl', target: 'unknown' }, { relPath: 'l', target: 'dir' },
    ]);
    expect(r.errors).to.deep.equal([]);
    expect(r.pending).to.deep.equal([]);
  });

  it('hands back unvisited directories once the budget is spent', () => {
    const r = walkDirs({ root, dirs: [''], budget: 1, excludes: none });
    expect(r.dirs.map((d) => d.relPath)).to.deep.equal(['']);
    expect(sorted(r.pending)).to.deep.equal(['a', 'c']);
    const rest = walkDirs({ root, dirs: r.pending, budget: 1e9, excludes: none });
    expect(sorted(rest.dirs.map((d) => d.relPath))).to.deep.equal(['a', 'a/b', 'c']);
    expect(rest.pending).to.deep.equal([]);
  });

  it('applies file and directory excludes while walking', () => {
    const r = walkDirs({ root, dirs: [''], budget: 1e9, excludes: { excludeFiles: ['f2', 'h'], excludeDirs: ['c', 'a/b'], caseInsensitive: false } });
    expect(sorted(r.dirs)).to.deep.equal([
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
      ...streamed,
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

  it('keeps what was counted and records the error when a listing fails part-way', () => {
    const io: ScanIo = {
      ...streamed,
      opendir: (p) => {
        const dir = nodeScanIo.opendir(p);
        if (p !== root) return dir;
        let n = 0;
        return {
          readSync: () => {
            if (++n > 1) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
            return dir.readSync();
          },
          closeSync: () => dir.closeSync(),
        };
      },
    };
    const r = walkDirs({ root, dirs: [''], budget: 1e9, excludes: none }, io);
    expect(r.errors.map((e) => [e.relPath, e.code])).to.deep.equal([['', 'EIO']]);
    expect(r.dirs[0].state).to.equal('ok');
  });

  it('reports an unlistable directory as unreadable with its error code', () => {
    const io: ScanIo = { ...streamed, opendir: aUnlistable };
    const r = walkDirs({ root, dirs: [''], budget: 1e9, excludes: none }, io);
    expect(r.dirs.find((d) => d.relPath === 'a')).to.deep.equal({ relPath: 'a', ownFiles: 0, ownBytes: 0, state: 'unreadable' });
    expect(r.errors.map((e) => [e.relPath, e.code])).to.deep.equal([['a', 'EACCES']]);
    expect(sorted(r.dirs.map((d) => d.relPath))).to.deep.equal(['', 'a', 'c']);
  });

  it('tells the type of an entry whose dirent has none (DT_UNKNOWN) with lstat', () => {
    const typeless = (d: fs.Dirent): fs.Dirent => {
      const bare = Object.create(Object.getPrototypeOf(d)) as fs.Dirent;
      return Object.assign(bare, { name: d.name, parentPath: d.parentPath, path: d.parentPath, [Object.getOwnPropertySymbols(d)[0]]: 0 });
    };
    const io: ScanIo = {
      ...streamed,
      opendir: (p) => {
        const dir = nodeScanIo.opendir(p);
        return { readSync: () => { const d = dir.readSync(); return d && typeless(d); }, closeSync: () => dir.closeSync() };
      },
    };
    const listing = io.opendir(root);
    const first = listing.readSync()!;
    listing.closeSync();
    expect(first.isFile() || first.isDirectory() || first.isSymbolicLink(), 'typeless dirent').to.equal(false);
    const r = walkDirs({ root, dirs: [''], budget: 1e9, excludes: none }, io);
    expect(sorted(r.dirs).map((d) => [d.relPath, d.ownFiles, d.ownBytes])).to.deep.equal([['', 2, 30], ['a', 1, 5], ['a/b', 1, 7], ['c', 0, 0]]);
    expect(r.links.map((l) => l.relPath).sort()).to.deep.equal(['dl', 'l']);
  });

  it('reads names that are not UTF-8 as bytes: counted, walked and reported surrogate-escaped', () => {
    // Latin-1 `café/` holding `ü.txt` (0xFC) and a subdirectory, and a file named by the lone byte 0xFF.
    const b = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    const cafe = b(root, '/caf', [0xe9]);
    fs.mkdirSync(cafe);
    fs.writeFileSync(b(root, '/caf', [0xe9], '/', [0xfc], '.txt'), '12345');
    fs.mkdirSync(b(root, '/caf', [0xe9], '/sub'));
    fs.writeFileSync(b(root, '/caf', [0xe9], '/sub/x'), 'xy');
    fs.writeFileSync(b(root, '/', [0xff]), 'abc');
    fs.symlinkSync('f1', b(root, '/ln', [0xfe]));
    const r = walkDirs({ root, dirs: [''], budget: 1e9, excludes: none });
    expect(r.errors).to.deep.equal([]);
    expect(sorted(r.dirs).map((d) => [d.relPath, d.ownFiles, d.ownBytes])).to.deep.equal([
      ['', 3, 33], ['a', 1, 5], ['a/b', 1, 7], ['c', 0, 0], ['caf\udce9', 1, 5], ['caf\udce9/sub', 1, 2],
    ]);
    expect(r.links.map((l) => l.relPath).sort()).to.deep.equal(['dl', 'l', 'ln\udcfe']);
  });

  it('keeps a real U+FFFD in a name apart from an undecodable byte', () => {
    fs.writeFileSync(path.join(root, 'real\ufffd'), 'a');
    fs.writeFileSync(Buffer.concat([Buffer.from(`${root}/real`), Buffer.of(0xff)]), 'bb');
    fs.mkdirSync(path.join(root, 'dir\ufffd'));
    fs.writeFileSync(path.join(root, 'dir\ufffd', 'in'), 'ccc');
    const r = walkDirs({ root, dirs: [''], budget: 1e9, excludes: none });
    expect(r.errors).to.deep.equal([]);
    expect(sorted(r.dirs).map((d) => [d.relPath, d.ownFiles, d.ownBytes])).to.deep.include.members([['', 4, 33], ['dir\ufffd', 1, 3]]);
  });

  describe('with the helper: each directory read whole with its lstats (listStat)', () => {
    it('is there on this machine (the helper is built at install and in CI)', () => {
      expect(nodeScanIo.listStat, 'robocurse\'s file-system helper must be built here with listStat').to.be.a('function');
    });

    it('finds what the streamed walk finds on a hostile tree: names not UTF-8, a real U+FFFD, links, hard links, a FIFO, excludes, a size filter', () => {
      const b = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
      fs.mkdirSync(b(root, '/caf', [0xe9]));
      fs.writeFileSync(b(root, '/caf', [0xe9], '/', [0xfc], '.txt'), '12345');
      fs.writeFileSync(b(root, '/', [0xff]), 'abc');
      fs.writeFileSync(path.join(root, 'real\ufffd'), 'a');
      fs.symlinkSync('f1', b(root, '/ln', [0xfe]));
      fs.linkSync(path.join(root, 'f1'), path.join(root, 'a', 'f1-again'));
      fs.writeFileSync(path.join(root, 'a', 'big.bin'), Buffer.alloc(5000));
      fs.writeFileSync(path.join(root, 'a', 'skip.tmp'), 'excluded');
      execFileSync('mkfifo', [path.join(root, 'a', 'fifo')]);
      const excludes: ExcludeRules = { excludeFiles: ['*.tmp'], excludeDirs: ['c'], caseInsensitive: false, sizeAge: { maxSize: 4096 } };
      const whole = walkDirs({ root, dirs: [''], budget: 1e9, excludes });
      const stream = walkDirs({ root, dirs: [''], budget: 1e9, excludes }, streamed);
      const norm = (r: ReturnType<typeof walkDirs>): unknown => ({ dirs: sorted(r.dirs), errors: sorted(r.errors), links: sorted(r.links), hardLinked: sorted(r.hardLinked), pending: r.pending });
      expect(norm(whole)).to.deep.equal(norm(stream));
      expect(whole.errors).to.deep.equal([]);
      expect(sorted(whole.dirs).map((d) => [d.relPath, d.ownFiles, d.ownBytes])).to.deep.equal([['', 4, 34], ['a', 2, 15], ['a/b', 1, 7], ['caf\udce9', 1, 5]]);
      expect(whole.hardLinked.map((h) => h.relPath).sort()).to.deep.equal(['a/f1-again', 'f1']);
    });

    it('records a file whose lstat failed after the readdir (it vanished) as the streamed walk does, and goes on', () => {
      const io: ScanIo = {
        ...nodeScanIo,
        listStat: (p) => {
          const l = nodeScanIo.listStat!(p);
          const i = l.names.indexOf('f1');
          if (i >= 0) { fs.rmSync(path.join(p, 'f1')); l.stats[i * LIST_FIELDS + F.errno] = os.constants.errno.ENOENT; }
          return l;
        },
      };
      const r = walkDirs({ root, dirs: [''], budget: 1e9, excludes: none }, io);
      expect(r.errors).to.have.length(1);
      expect(r.errors[0]).to.include({ relPath: 'f1', code: 'ENOENT' });
      expect(r.errors[0].message).to.equal(`ENOENT: no such file or directory, lstat '${path.join(root, 'f1')}'`);
      expect(r.dirs[0]).to.deep.equal({ relPath: '', ownFiles: 1, ownBytes: 20, state: 'ok' });
      expect(r.dirs).to.have.length(4);
    });

    it('a directory the call cannot read is walked the streamed way, which records what fails as before', () => {
      const io: ScanIo = { ...nodeScanIo, listStat: (p) => { throw denied(p); }, opendir: aUnlistable };
      const r = walkDirs({ root, dirs: [''], budget: 1e9, excludes: none }, io);
      expect(r.dirs.find((d) => d.relPath === 'a')).to.deep.equal({ relPath: 'a', ownFiles: 0, ownBytes: 0, state: 'unreadable' });
      expect(r.errors.map((e) => [e.relPath, e.code])).to.deep.equal([['a', 'EACCES']]);
      expect(sorted(r.dirs).map((d) => [d.relPath, d.ownFiles, d.ownBytes])).to.deep.equal([['', 2, 30], ['a', 0, 0], ['c', 0, 0]]);
    });
  });
});
