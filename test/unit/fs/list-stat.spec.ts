import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeName } from '../../../src/fs/byte-names';
import { fsx } from '../../../src/fs/fsx';
import { F, LIST_FIELDS, listStat, listStatJs, S, type StatListing } from '../../../src/fs/list-stat';
import { packageRoot } from '../../../src/paths';
import { needsRootReason, runAsNobody } from '../../helpers/other-user';
import { removeTemp, tempDir } from '../../helpers/make-tree';

/** The helper's listing (fails the test when the helper is not built: it is, at install and in CI). */
function nativeListing(dir: string): StatListing {
  expect(fsx?.listStat, 'robocurse\'s file-system helper must be built here with listStat').to.be.a('function');
  return listStat(dir);
}

/** Entry `i`'s numbers the up-to-date compare reads; undefined when its lstat failed. */
function statAt(stats: Float64Array, i: number): Record<string, number> | undefined {
  const o = i * LIST_FIELDS;
  if (stats[o + F.errno] !== 0) return undefined;
  return { mode: stats[o + F.mode], nlink: stats[o + F.nlink], uid: stats[o + F.uid], gid: stats[o + F.gid], size: stats[o + F.size], mtimeMs: stats[o + F.mtimeMs], ctimeMs: stats[o + F.ctimeMs] };
}

function plain(l: StatListing): { names: string[]; types: string; stats: number[] } {
  return { names: l.names, types: l.types, stats: Array.from(l.stats) };
}

/** The hostile directory: every type, names that are not UTF-8, a real U+FFFD, byte order that is not code point order. */
function hostileDir(root: string): string {
  const dir = path.join(root, 'hostile');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'plain.txt'), 'data');
  fs.writeFileSync(path.join(dir, 'empty'), '');
  fs.linkSync(path.join(dir, 'plain.txt'), path.join(dir, 'hard-link'));
  fs.mkdirSync(path.join(dir, 'Sub'));
  fs.symlinkSync('plain.txt', path.join(dir, 'link'));
  fs.symlinkSync('/nowhere/at/all', path.join(dir, 'dangling'));
  fs.symlinkSync('Sub', path.join(dir, 'dir-link'));
  execFileSync('mkfifo', [path.join(dir, 'fifo')]);
  execFileSync('mknod', [path.join(dir, 'zero'), 'c', '1', '5']);
  const bytes = (b: number[]): Buffer => Buffer.concat([Buffer.from(`${dir}/`), Buffer.from(b)]);
  fs.writeFileSync(bytes([0x63, 0x61, 0x66, 0xe9]), 'latin-1 café'); // not UTF-8
  fs.writeFileSync(bytes([0xff, 0xfe, 0x0a]), 'odd bytes and a newline');
  fs.writeFileSync(path.join(dir, 'real-\ufffd'), 'a real U+FFFD');
  fs.writeFileSync(path.join(dir, 'é-nfc'), 'two bytes');
  fs.writeFileSync(path.join(dir, '\u{1f600}'), 'four bytes (sorts after U+FFFD by bytes, before it by UTF-16)');
  fs.writeFileSync(path.join(dir, 'ZZ'), 'upper case sorts first');
  fs.utimesSync(path.join(dir, 'plain.txt'), 1_000_000_000.123456, 1_234_567_890.987654);
  return dir;
}

describe('listStat (readdir + lstat of each entry in one call)', () => {
  let root: string;
  beforeEach(() => { root = tempDir('robocurse-liststat-'); });
  afterEach(() => removeTemp(root));

  it('the helper and Node\'s calls give the same names, order, types and numbers on a hostile directory', async () => {
    const dir = hostileDir(root);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(dir, 'sock'), resolve));
    try {
      const native = nativeListing(dir);
      expect(plain(native)).to.deep.equal(plain(listStatJs(dir)));
      // Names and order as fs.readdirSync gives them (bytes, decoded by byte-names.ts).
      expect(native.names).to.deep.equal(fs.readdirSync(dir, { encoding: 'buffer' }).map(decodeName));
      const typeOf = (n: string): string => native.types[native.names.indexOf(n)];
      expect(['plain.txt', 'hard-link', 'Sub', 'link', 'dangling', 'dir-link', 'fifo', 'zero', 'sock'].map(typeOf).join('')).to.equal('ffdlllooo');
      // Numbers as lstat gives them: Node's own mtimeMs arithmetic, to the last bit.
      const i = native.names.indexOf('plain.txt');
      const st = fs.lstatSync(path.join(dir, 'plain.txt'));
      expect(statAt(native.stats, i)).to.deep.equal({ mode: st.mode, nlink: 2, uid: st.uid, gid: st.gid, size: 4, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs });
      expect(native.stats[i * LIST_FIELDS + F.ino]).to.equal(st.ino);
      expect(native.stats[i * LIST_FIELDS + F.dev]).to.equal(st.dev);
      const link = fs.lstatSync(path.join(dir, 'dir-link'));
      expect(statAt(native.stats, native.names.indexOf('dir-link'))!.mode, 'the link itself, never its target').to.equal(link.mode);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('an empty directory, a large one, and a directory reached through /proc/self/fd (as the copy reaches it)', () => {
    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    expect(plain(nativeListing(empty))).to.deep.equal({ names: [], types: '', stats: [] });
    const big = path.join(root, 'big');
    fs.mkdirSync(big);
    for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(big, `file-with-a-longer-name-${i}`), String(i));
    expect(plain(nativeListing(big))).to.deep.equal(plain(listStatJs(big)));
    const fd = fs.openSync(big, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      expect(plain(nativeListing(`/proc/self/fd/${fd}`))).to.deep.equal(plain(listStatJs(big)));
    } finally {
      fs.closeSync(fd);
    }
  });

  it('with a digest, the helper gives the listed directory\'s own numbers as its lstat has them; noFollow refuses a link to it', function () {
    if (!fsx?.listStat) this.skip(); // without the helper there is no digest either; it is built at install and in CI
    const d = path.join(root, 'd');
    fs.mkdirSync(d, { mode: 0o750 });
    fs.writeFileSync(path.join(d, 'f'), 'x');
    const l = listStat(d, { rel: 'd', fields: { modes: true, owners: true } });
    const st = fs.lstatSync(d, { bigint: true });
    expect(l.self, 'the directory\'s own numbers').to.be.instanceOf(Float64Array);
    const self = l.self!;
    expect(self[S.errno]).to.equal(0);
    expect([self[S.mode], self[S.uid], self[S.gid], self[S.ino], self[S.dev]]).to.deep.equal([Number(st.mode), Number(st.uid), Number(st.gid), Number(st.ino), Number(st.dev)]);
    expect(BigInt(self[S.mtimeSec]) * 1_000_000_000n + BigInt(self[S.mtimeNsec])).to.equal(st.mtimeNs);
    expect(self[S.xattrBytes], 'no extended attribute').to.equal(0);
    expect(self[S.ctimeMs], 'the ctime as Node computes ctimeMs').to.equal(fs.lstatSync(d).ctimeMs);
    expect(listStat(d).self, 'only with a digest').to.equal(undefined);
    expect(Object.keys(l), 'not carried by a listing posted to another thread').to.not.include('self');
    fs.symlinkSync('d', path.join(root, 'link'));
    expect(listStat(path.join(root, 'link'), { rel: 'link', fields: { modes: true, owners: true } }).self![S.ino], 'followed by default').to.equal(Number(st.ino));
    expect(() => listStat(path.join(root, 'link'), { rel: 'link', fields: { modes: true, owners: true }, noFollow: true })).to.throw(/ENOTDIR|ELOOP/);
  });

  it('a directory that cannot be read throws the same error either way', () => {
    const file = path.join(root, 'file');
    fs.writeFileSync(file, 'x');
    for (const p of [path.join(root, 'missing'), file]) {
      let native: NodeJS.ErrnoException | undefined;
      let js: NodeJS.ErrnoException | undefined;
      try { nativeListing(p); } catch (err) { native = err as NodeJS.ErrnoException; }
      try { listStatJs(p); } catch (err) { js = err as NodeJS.ErrnoException; }
      expect(native?.code, p).to.be.a('string');
      expect(native?.code).to.equal(js?.code);
    }
  });

  describe('entries whose lstat fails after the readdir', function () {
    const reason = needsRootReason();
    // Why skipped: the listing runs as another user (runuser), which needs root; this machine and CI run as root.
    before(function () { if (reason) this.skip(); });

    // Deterministic stand-in for an entry removed between readdir and lstat: a directory its
    // reader may list (r) but not search (no x): every lstat inside fails with EACCES, as a
    // vanished entry's fails with ENOENT; the listing keeps readdir's types and the errno.
    it('keep readdir\'s type and their errno, the same with the helper and without (as another user)', () => {
      fs.chmodSync(root, 0o755);
      const dir = hostileDir(root);
      fs.chmodSync(dir, 0o755 & ~0o111);
      const script = `const l = require(${JSON.stringify(path.join(packageRoot(), 'dist', 'src', 'fs', 'list-stat.js'))});
        const plain = (x) => ({ names: x.names, types: x.types, stats: Array.from(x.stats) });
        process.stdout.write(JSON.stringify({ native: plain(l.listStat(process.argv[1])), js: plain(l.listStatJs(process.argv[1])) }));`;
      const out = JSON.parse(runAsNobody([process.execPath, '-e', script, dir]).stdout) as { native: ReturnType<typeof plain>; js: ReturnType<typeof plain> };
      expect(out.native).to.deep.equal(out.js);
      expect(out.native.names).to.have.length(fs.readdirSync(dir).length);
      for (let i = 0; i < out.native.names.length; i++) {
        const stats = Float64Array.from(out.native.stats);
        expect(stats[i * LIST_FIELDS + F.errno], out.native.names[i]).to.equal(os.constants.errno.EACCES);
        expect(statAt(stats, i)).to.equal(undefined);
      }
      expect(out.native.types[out.native.names.indexOf('Sub')]).to.equal('d');
      expect(out.native.types[out.native.names.indexOf('link')]).to.equal('l');
      fs.chmodSync(dir, 0o755);
    });
  });
});
