import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { startCli } from '../../helpers/run-cli';
import { allContent, expectNoCopierLeft, swapForLink, tempOf, until, writeSafetyConfig, type SafetyDirs } from './safety-fixture';

/**
 * Issue #13, items 2 and 3: links in the destination at a chunk root, above it and below it,
 * directories swapped for links while their chunk runs, and a source directory swapped for a
 * link to a root-only directory. Each case runs the real CLI the way cron does (pipes, --json),
 * as root, on a real file system, for the native and the rsync engine; each checks the exit
 * code, the summary, that the victim directory outside the destination hashes the same before
 * and after, that no secret reached the destination, and that no copier process is left.
 */
const SECRET = 'TOP-SECRET-7f3a91';

interface Summary {
  exitCode: number;
  outcome: string;
  profiles: Array<{ result: string; chunksWarning: number; chunksFailed: number; extrasRemoved: number; failedChunks: Array<{ message: string; source: string }> }>;
}

for (const engine of ['native', 'rsync'] as const) {
  describe(`symlink attacks, ${engine} engine (CLI like cron, --json, as root)`, function () {
    this.timeout(180_000);
    let d: SafetyDirs;
    let victimHash: string;

    beforeEach(() => {
      const root = tempDir('robocurse-safety-');
      d = { root, src: path.join(root, 'src'), dst: path.join(root, 'dst'), victim: path.join(root, 'victim'), cfg: path.join(root, 'robocurse.json') };
      makeTree(d.src, { a: { 'f1.txt': 'one', 'f2.bin': 5000, sub: { 'g.txt': 'gee' } }, b: { 'h.txt': 'aitch' }, 'top.txt': 'top' });
      // The victim: what an attacker wants written over, chmod'ed or wiped. Its own mode and an
      // old mtime, so a chmod or utimes through a link would change its hash too.
      makeTree(d.victim, { 'keep.txt': 'victim data', 'extra.txt': 'a mirror would delete this', deeper: { 'x.txt': 'x' } });
      fs.chmodSync(d.victim, 0o711);
      fs.utimesSync(d.victim, new Date('2001-01-01'), new Date('2001-01-01'));
      victimHash = hashTree(d.victim);
    });

    afterEach(async () => {
      await expectNoCopierLeft(d.root);
      removeTemp(d.root);
    });

    async function run(): Promise<{ code: number | null; summary: Summary; stderr: string }> {
      const r = await runCliLikeCron(['run', '--config', d.cfg, '--all', '--json']);
      expect(r.summary, `no summary; stderr: ${r.stderr}`).to.not.equal(undefined);
      return { code: r.code, summary: r.summary as unknown as Summary, stderr: r.stderr };
    }

    function expectVictimUntouched(): void {
      expect(hashTree(d.victim), 'the victim outside the destination changed').to.equal(victimHash);
    }

    it('mirror, dst/a -> victim at a chunk root: the link is replaced, the victim untouched, the summary says so', async () => {
      writeSafetyConfig(d, { engine, mirror: true });
      fs.mkdirSync(d.dst);
      fs.symlinkSync(d.victim, path.join(d.dst, 'a'));
      const { code, summary, stderr } = await run();
      expectVictimUntouched();
      expect(code, stderr).to.equal(0);
      expect(summary.outcome).to.equal('Warning');
      expect(summary.profiles[0].chunksWarning).to.be.at.least(1);
      expect(summary.profiles[0].extrasRemoved).to.be.at.least(1);
      expect(stderr).to.contain(`${path.join(d.dst, 'a')} is a symbolic link (to ${d.victim})`).and.to.contain('its target was not touched');
      expect(fs.lstatSync(path.join(d.dst, 'a')).isDirectory()).to.equal(true);
      expect(rsyncDifferences(d.src, d.dst)).to.deep.equal([]);
    });

    it('no mirror, dst/a -> victim at a chunk root: the chunk fails naming the link, the rest is copied', async () => {
      writeSafetyConfig(d, { engine, mirror: false });
      fs.mkdirSync(d.dst);
      fs.symlinkSync(d.victim, path.join(d.dst, 'a'));
      const { code, summary, stderr } = await run();
      expectVictimUntouched();
      expect(code, stderr).to.equal(1);
      expect(summary.outcome).to.equal('Failed');
      const failed = summary.profiles[0].failedChunks;
      expect(failed).to.have.length(1);
      expect(failed[0].message).to.contain(`destination ${path.join(d.dst, 'a')} is a symbolic link`).and.to.contain('never writes through it');
      expect(fs.lstatSync(path.join(d.dst, 'a')).isSymbolicLink()).to.equal(true);
      expect(fs.readFileSync(path.join(d.dst, 'b', 'h.txt'), 'utf8')).to.equal('aitch');
    });

    for (const mirror of [true, false]) {
      it(`${mirror ? 'mirror' : 'no mirror'}, a link above the chunk root (dst/a -> victim, chunk a/sub): ${mirror ? 'replaced' : 'the chunks below fail'}, victim untouched`, async () => {
        writeSafetyConfig(d, { engine, mirror, depth: 2 });
        fs.mkdirSync(d.dst);
        fs.symlinkSync(d.victim, path.join(d.dst, 'a'));
        const { code, summary, stderr } = await run();
        expectVictimUntouched();
        if (mirror) {
          expect(code, stderr).to.equal(0);
          expect(summary.outcome).to.equal('Warning');
          expect(rsyncDifferences(d.src, d.dst)).to.deep.equal([]);
        } else {
          expect(code, stderr).to.equal(1);
          const messages = summary.profiles[0].failedChunks.map((f) => f.message);
          expect(messages.length).to.be.at.least(1);
          for (const m of messages) expect(m).to.contain(`${path.join(d.dst, 'a')} is a symbolic link`);
          expect(fs.lstatSync(path.join(d.dst, 'a')).isSymbolicLink()).to.equal(true);
        }
      });

      it(`${mirror ? 'mirror' : 'no mirror'}, a link below the chunk root (dst/a/sub -> victim): never followed`, async () => {
        writeSafetyConfig(d, { engine, mirror });
        makeTree(d.dst, { a: {} });
        fs.symlinkSync(d.victim, path.join(d.dst, 'a', 'sub'));
        const { code, summary, stderr } = await run();
        expectVictimUntouched();
        if (mirror || engine === 'rsync') {
          // rsync (without -K) replaces a link where the source has a directory even without mirror.
          expect(code, stderr).to.equal(0);
          expect(rsyncDifferences(d.src, d.dst)).to.deep.equal([]);
        } else {
          expect(code, stderr).to.equal(1);
          expect(summary.profiles[0].failedChunks[0].message).to.match(/failed/);
          expect(stderr).to.contain('a symbolic link is in the way of directory sub');
          expect(fs.lstatSync(path.join(d.dst, 'a', 'sub')).isSymbolicLink()).to.equal(true);
        }
      });

      it(`${mirror ? 'mirror' : 'no mirror'}: the chunk's destination directory swapped for a link while it copies`, async () => {
        // 3 Mbit/s: the 600 KB file takes about 1.6 s, long enough to swap while it is written.
        writeSafetyConfig(d, { engine, mirror, bandwidthLimitMbps: 3 });
        makeTree(path.join(d.src, 'a'), { 'big.bin': 600_000 });
        const cli = startCli(['run', '--config', d.cfg, '--all', '--json']);
        const dstA = path.join(d.dst, 'a');
        await until('the big file being written', () => tempOf(dstA, 'big.bin'));
        swapForLink(dstA, d.victim);
        const r = await cli.result;
        expectVictimUntouched();
        const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as Summary;
        if (mirror) {
          expect(r.code, r.stderr).to.equal(0);
          // Replaced by the retry's chunk-root check (a Warning), or removed before it as an extra
          // of the root's own chunk (rsync --delete at that level): counted either way.
          expect(summary.outcome).to.be.oneOf(['Warning', 'Success']);
          expect(summary.profiles[0].extrasRemoved).to.be.at.least(1);
          expect(fs.lstatSync(dstA).isDirectory()).to.equal(true);
          expect(rsyncDifferences(path.join(d.src, 'a'), dstA)).to.deep.equal([]);
        } else {
          expect(r.code, r.stderr).to.equal(1);
          expect(summary.profiles[0].failedChunks[0].message).to.contain(`destination ${dstA} is a symbolic link`);
          expect(fs.lstatSync(dstA).isSymbolicLink()).to.equal(true);
        }
      });
    }

    it('a directory below the chunk root swapped for a link while the chunk copies into it', async () => {
      writeSafetyConfig(d, { engine, mirror: false, bandwidthLimitMbps: 3 });
      makeTree(path.join(d.src, 'a', 'sub'), { 'big.bin': 600_000, 'z-after.txt': 'written after the big file' });
      const cli = startCli(['run', '--config', d.cfg, '--all', '--json']);
      const sub = path.join(d.dst, 'a', 'sub');
      await until('the big file being written', () => tempOf(sub, 'big.bin'));
      swapForLink(sub, d.victim);
      const r = await cli.result;
      expectVictimUntouched();
      expect(allContent(d.victim).includes('written after the big file')).to.equal(false);
      const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as Summary;
      // native refuses what it finds in the way without mirror; rsync replaces the link on the retry.
      expect(r.code, r.stderr).to.equal(engine === 'native' ? 1 : 0);
      expect(summary.exitCode).to.equal(r.code);
    });

    it('a source directory swapped for a link to a root-only directory mid-run: nothing of it is read', async () => {
      writeSafetyConfig(d, { engine, mirror: true, bandwidthLimitMbps: 3 });
      makeTree(path.join(d.src, 'a'), { 'big.bin': 600_000, 'z-late.txt': 'late' });
      // Same names as the source's, so a follow would find something to read.
      const secret = path.join(d.root, 'root-only');
      makeTree(secret, { 'big.bin': SECRET.repeat(10), 'z-late.txt': SECRET, 'f1.txt': SECRET, sub: { 'g.txt': SECRET } });
      fs.chmodSync(secret, 0o700);
      const cli = startCli(['run', '--config', d.cfg, '--all', '--json']);
      await until('the big file being copied', () => tempOf(path.join(d.dst, 'a'), 'big.bin'));
      swapForLink(path.join(d.src, 'a'), secret);
      const r = await cli.result;
      expectVictimUntouched();
      expect(allContent(d.dst).includes(SECRET), 'the secret reached the destination').to.equal(false);
      const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as Summary;
      expect(r.code, r.stderr).to.equal(1);
      expect(summary.outcome).to.equal('Failed');
      expect(summary.profiles[0].failedChunks[0].message)
        .to.contain(`${path.join(d.src, 'a')} is a symbolic link`).and.to.contain('the source changed since the scan');
    });

    it('a source directory swapped for a link after the scan, before its chunk starts: refused', async () => {
      writeSafetyConfig(d, { engine, mirror: true, bandwidthLimitMbps: 3 });
      // b is the largest chunk, so it runs first (one job at a time) while a waits.
      makeTree(path.join(d.src, 'b'), { 'big.bin': 600_000 });
      const secret = path.join(d.root, 'root-only');
      makeTree(secret, { 'f1.txt': SECRET, 'f2.bin': SECRET, sub: { 'g.txt': SECRET } });
      fs.chmodSync(secret, 0o700);
      const cli = startCli(['run', '--config', d.cfg, '--all', '--json']);
      await until('chunk b copying', () => tempOf(path.join(d.dst, 'b'), 'big.bin'));
      swapForLink(path.join(d.src, 'a'), secret);
      const r = await cli.result;
      expect(allContent(d.dst).includes(SECRET), 'the secret reached the destination').to.equal(false);
      const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as Summary;
      expect(r.code, r.stderr).to.equal(1);
      expect(summary.profiles[0].failedChunks).to.have.length(1);
      expect(summary.profiles[0].failedChunks[0].message).to.contain(`${path.join(d.src, 'a')} is a symbolic link`);
      expectVictimUntouched();
    });
  });
}
