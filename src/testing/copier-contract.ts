import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Copier, CopyJob, CopyResult } from '../api';
import { diffTrees, makeTree, removeTemp, tempDir, type TreeSpec } from './trees';
import {
  firstBytesOrTimeout, isSettled, listFiles, makeChunk, makeOptions, recordProgress, sleep,
} from './contract-fixtures';

/** What an engine's contract spec hands to the suite. */
export interface CopierContractSubject {
  copier: Copier;
  /** False for engines that do no real I/O (simulated): destination checks are skipped. */
  supportsRealIo: boolean;
  cleanup?: () => Promise<void>;
}

const SEVERITIES = ['Success', 'Warning', 'Error', 'Fatal'];
const STAT_KEYS = ['filesCopied', 'bytesCopied', 'filesSkipped', 'bytesSkipped', 'filesFailed',
  'bytesFailed', 'extrasRemoved', 'dirsCreated'] as const;

/** A small tree with nesting, an empty dir, a 0-byte file and names that need quoting. */
const BASIC: TreeSpec = {
  'a.txt': 'alpha\n',
  'empty.dat': '',
  'with space é.bin': 3000,
  nested: { 'b.txt': 'bravo', deeper: { 'c.bin': 70_000 } },
  'empty-dir': {},
};

/** Enough bytes that a bandwidth-limited copy of it is still running when we kill it. */
const SLOW: TreeSpec = { 'big1.bin': 1 << 20, 'big2.bin': 1 << 20, sub: { 'big3.bin': 1 << 20, 'big4.bin': 1 << 20 } };
const SLOW_BPS = 256 * 1024;

function expectResultShape(r: CopyResult): void {
  expect(r, 'result').to.be.an('object');
  expect(r.exitCode, 'exitCode').to.be.a('number');
  expect(r.exitMeaning, 'exitMeaning').to.be.an('object');
  expect(SEVERITIES, 'severity').to.include(r.exitMeaning.severity);
  expect(r.exitMeaning.shouldRetry, 'shouldRetry').to.be.a('boolean');
  expect(r.exitMeaning.message, 'message').to.be.a('string').and.not.equal('');
  for (const k of STAT_KEYS) {
    expect(r.stats[k], `stats.${k}`).to.be.a('number');
    expect(Number.isFinite(r.stats[k]) && r.stats[k] >= 0, `stats.${k} >= 0`).to.equal(true);
  }
  expect(r.errors, 'errors').to.be.an('array');
  for (const e of r.errors) {
    expect(e.path, 'error.path').to.be.a('string');
    expect(e.code, 'error.code').to.be.a('string');
    expect(e.message, 'error.message').to.be.a('string');
  }
  if (r.logPath !== undefined) expect(r.logPath, 'logPath').to.be.a('string');
  expect(r.durationMs, 'durationMs').to.be.a('number').and.at.least(0);
  expect(r.killed, 'killed').to.be.a('boolean');
}

function expectOk(r: CopyResult): void {
  expect(['Success', 'Warning'], `severity (${r.exitMeaning.message})`).to.include(r.exitMeaning.severity);
}

/**
 * Every file under `dst` must be a complete copy of the file of that path under `src`: no temp
 * names, no truncated file under a real name. (Engines write to a temp name and rename.)
 */
function expectNoPartials(src: string, dst: string): void {
  const srcFiles = listFiles(src);
  for (const [rel, size] of listFiles(dst)) {
    expect(srcFiles.has(rel), `stray file left in destination: ${rel}`).to.equal(true);
    expect(size, `partial file under its real name: ${rel}`).to.equal(srcFiles.get(rel));
    expect(fs.readFileSync(path.join(dst, rel)).equals(fs.readFileSync(path.join(src, rel))), `content of ${rel}`).to.equal(true);
  }
}

/**
 * The conformance suite every Copier engine passes (see STYLE.md, "one interface, many engines").
 * `setup` runs before each test and gives a fresh copier; engines that spawn processes may point
 * it at a fake binary. Trees are real temp dirs; nothing is stubbed.
 */
export function runCopierContract(name: string, setup: () => Promise<CopierContractSubject>): void {
  describe(`Copier contract: ${name}`, function () {
    this.timeout(30_000);
    let subject: CopierContractSubject;
    let copier: Copier;
    let root: string;
    let src: string;
    let dst: string;
    const jobs: CopyJob[] = [];

    const start = (...args: Parameters<Copier['start']>): CopyJob => {
      const job = copier.start(...args);
      jobs.push(job);
      return job;
    };

    beforeEach(async () => {
      subject = await setup();
      copier = subject.copier;
      root = tempDir('robocurse-contract-');
      src = path.join(root, 'src');
      dst = path.join(root, 'dst');
      jobs.length = 0;
    });

    afterEach(async () => {
      // A failed test must not leave a job writing into a removed temp dir.
      await Promise.all(jobs.map((j) => j.kill()));
      await Promise.all(jobs.map((j) => j.done));
      await copier.close?.();
      await subject.cleanup?.();
      removeTemp(root);
    });

    it('has a name and declares every capability as a boolean', () => {
      expect(copier.name).to.be.a('string').and.not.equal('');
      for (const k of ['suspend', 'liveBandwidth', 'mirror', 'dryRun', 'liveProgress'] as const) {
        expect(copier.capabilities[k], `capabilities.${k}`).to.be.a('boolean');
      }
    });

    it('start returns a job at once, carrying the chunk and its start time', async () => {
      makeTree(src, BASIC);
      const chunk = makeChunk(src, dst);
      const before = Date.now();
      const job = start(chunk, makeOptions());
      expect(job.chunk).to.deep.equal(chunk);
      expect(job.startedAt).to.be.instanceOf(Date);
      expect(job.startedAt.getTime()).to.be.within(before - 1000, Date.now() + 1000);
      expect(job.done).to.be.instanceOf(Promise);
      expect(job.progress()).to.include.keys('bytesCopied', 'filesCopied');
      await job.done;
    });

    it('done resolves with a complete, typed CopyResult', async () => {
      makeTree(src, BASIC);
      const r = await start(makeChunk(src, dst), makeOptions()).done;
      expectResultShape(r);
      expect(r.killed).to.equal(false);
    });

    it('a successful tree copy makes the destination equal to the source', async function () {
      // Skipped only for engines without real I/O (simulated): they write no destination to compare.
      if (!subject.supportsRealIo) this.skip();
      makeTree(src, BASIC);
      const r = await start(makeChunk(src, path.join(dst, 'created', 'on demand')), makeOptions()).done;
      expectOk(r);
      expect(r.errors).to.deep.equal([]);
      expect(diffTrees(src, path.join(dst, 'created', 'on demand'), { mode: false })).to.deep.equal([]);
      expect(r.stats.filesCopied).to.equal(5);
      expect(r.stats.bytesCopied).to.equal(6 + 3000 + 5 + 70_000);
    });

    it('a re-run over an up-to-date destination copies nothing and succeeds', async function () {
      // Skipped only for engines without real I/O (simulated): there is no destination to compare.
      if (!subject.supportsRealIo) this.skip();
      makeTree(src, BASIC);
      expectOk(await start(makeChunk(src, dst), makeOptions()).done);
      const r = await start(makeChunk(src, dst), makeOptions()).done;
      expectOk(r);
      expect(r.stats.filesCopied).to.equal(0);
      expect(r.stats.bytesCopied).to.equal(0);
    });

    it('a files-only chunk copies only the directory\'s own files', async function () {
      // Skipped only for engines without real I/O (simulated): they write no files to list.
      if (!subject.supportsRealIo) this.skip();
      makeTree(src, BASIC);
      const r = await start(makeChunk(src, dst, 'files-only'), makeOptions()).done;
      expectOk(r);
      expect([...listFiles(dst).keys()].sort()).to.deep.equal(['a.txt', 'empty.dat', 'with space é.bin']);
    });

    it('progress is monotonic and never exceeds the result', async () => {
      makeTree(src, { ...BASIC, 'big.bin': 3 << 20 });
      const job = start(makeChunk(src, dst), makeOptions());
      const seen = recordProgress(job);
      const r = await job.done;
      expectOk(r);
      const all = [...seen, job.progress()];
      for (let i = 1; i < all.length; i++) {
        expect(all[i].bytesCopied, `bytes at update ${i}`).to.be.at.least(all[i - 1].bytesCopied);
        expect(all[i].filesCopied, `files at update ${i}`).to.be.at.least(all[i - 1].filesCopied);
      }
      expect(job.progress().bytesCopied).to.be.at.most(r.stats.bytesCopied);
      if (copier.capabilities.liveProgress) expect(seen.length, 'progress updates').to.be.greaterThan(0);
    });

    it('runs several jobs of one copier concurrently', async () => {
      makeTree(path.join(src, 'one'), BASIC);
      makeTree(path.join(src, 'two'), BASIC);
      const [a, b] = await Promise.all([
        start(makeChunk(path.join(src, 'one'), path.join(dst, 'one'), 'tree', 'one'), makeOptions()).done,
        start(makeChunk(path.join(src, 'two'), path.join(dst, 'two'), 'tree', 'two'), makeOptions()).done,
      ]);
      expectOk(a); expectOk(b);
      if (subject.supportsRealIo) expect(diffTrees(src, dst, { mode: false })).to.deep.equal([]);
    });

    /** Starts a slow copy, kills it once under way; the killed job's result. */
    async function killMidway(): Promise<CopyResult> {
      makeTree(src, SLOW);
      const job = start(makeChunk(src, dst), makeOptions({ bandwidthBytesPerSec: SLOW_BPS }));
      await firstBytesOrTimeout(job, 500);
      expect(await isSettled(job.done), 'job ended before kill; it must honour bandwidthBytesPerSec').to.equal(false);
      await job.kill();
      return job.done;
    }

    it('kill() stops a running job: done resolves killed', async () => {
      const r = await killMidway();
      expectResultShape(r);
      expect(r.killed).to.equal(true);
    });

    it('after kill() resolves, the destination stands still and holds no partial file under a real name', async function () {
      // Skipped only for engines without real I/O (simulated): they leave no destination to inspect.
      if (!subject.supportsRealIo) this.skip();
      expect((await killMidway()).killed).to.equal(true);
      const after = listFiles(dst);
      await sleep(200);
      expect(listFiles(dst), 'destination changed after kill resolved').to.deep.equal(after);
      expectNoPartials(src, dst);
    });

    it('kill, suspend, resume and setBandwidth are idempotent while running', async () => {
      makeTree(src, SLOW);
      const job = start(makeChunk(src, dst), makeOptions({ bandwidthBytesPerSec: SLOW_BPS }));
      job.suspend?.(); job.suspend?.();
      job.resume?.(); job.resume?.();
      job.setBandwidth?.(SLOW_BPS * 2); job.setBandwidth?.(SLOW_BPS);
      await Promise.all([job.kill(), job.kill()]);
      await job.kill();
      const r = await job.done;
      expect(r.killed).to.equal(true);
    });

    it('kill, suspend, resume and setBandwidth are safe after done', async () => {
      makeTree(src, BASIC);
      const job = start(makeChunk(src, dst), makeOptions());
      const r = await job.done;
      job.suspend?.(); job.resume?.(); job.setBandwidth?.(1000);
      await job.kill(); await job.kill();
      expect(r.killed).to.equal(false);
      expect(await job.done).to.equal(r);
    });

    it('suspend() freezes progress and resume() thaws it (capabilities.suspend)', async function () {
      // Skipped only for engines that declare no suspend capability: the orchestrator never asks them.
      if (!copier.capabilities.suspend) this.skip();
      makeTree(src, SLOW);
      const job = start(makeChunk(src, dst), makeOptions({ bandwidthBytesPerSec: SLOW_BPS * 2 }));
      await firstBytesOrTimeout(job, 1000);
      job.suspend!();
      // Writes already under way when suspend() came may still land (later on a loaded machine):
      // wait until progress stands still for 300 ms (a copy that goes on at this rate moves
      // every ~125 ms), then it must stay still for a whole second.
      let frozen = job.progress().bytesCopied;
      for (const settleBy = Date.now() + 5000; Date.now() < settleBy;) {
        await sleep(300);
        const now = job.progress().bytesCopied;
        if (now === frozen) break;
        frozen = now;
      }
      await sleep(1000);
      expect(job.progress().bytesCopied, 'bytes while suspended').to.equal(frozen);
      expect(await isSettled(job.done), 'a suspended job must not finish').to.equal(false);
      job.resume!();
      for (const by = Date.now() + 10_000; job.progress().bytesCopied === frozen && Date.now() < by;) await sleep(50);
      expect(job.progress().bytesCopied, 'bytes after resume').to.be.greaterThan(frozen);
    });

    it('mirror removes extras in the destination (capabilities.mirror)', async function () {
      // Skipped for engines that declare no mirror capability (`run` refuses mirror for them) and
      // for engines without real I/O (simulated): they remove nothing there is to check.
      if (!copier.capabilities.mirror || !subject.supportsRealIo) this.skip();
      makeTree(src, BASIC);
      makeTree(dst, { 'extra.txt': 'x', 'extra-dir': { 'y.txt': 'y' }, nested: { 'extra2.txt': 'z' } });
      const r = await start(makeChunk(src, dst), makeOptions({ mirror: true })).done;
      expectOk(r);
      expect(diffTrees(src, dst, { mode: false })).to.deep.equal([]);
      expect(r.stats.extrasRemoved).to.be.greaterThan(0);
    });

    it('mirror on a files-only chunk removes extra files but never a subdirectory', async function () {
      // Skipped only where mirror is not declared or there is no real I/O to inspect (simulated).
      if (!copier.capabilities.mirror || !subject.supportsRealIo) this.skip();
      makeTree(src, BASIC);
      makeTree(dst, { 'extra.txt': 'x', nested: { 'b.txt': 'bravo', 'keep.txt': 'k' } });
      const r = await start(makeChunk(src, dst, 'files-only'), makeOptions({ mirror: true })).done;
      expectOk(r);
      expect(fs.existsSync(path.join(dst, 'extra.txt')), 'extra file removed').to.equal(false);
      expect(fs.readFileSync(path.join(dst, 'nested', 'keep.txt'), 'utf8'), 'subdirectory untouched').to.equal('k');
    });

    it('dryRun writes nothing (capabilities.dryRun)', async function () {
      // Skipped for engines that declare no dry run (`run --dry-run` refuses them) and for engines
      // without real I/O (simulated): they never write, so "wrote nothing" would prove nothing.
      if (!copier.capabilities.dryRun || !subject.supportsRealIo) this.skip();
      makeTree(src, BASIC);
      makeTree(dst, { 'extra.txt': 'x' });
      const r = await start(makeChunk(src, dst), makeOptions({ dryRun: true, mirror: copier.capabilities.mirror })).done;
      expectResultShape(r);
      expectOk(r);
      expect([...listFiles(dst).keys()]).to.deep.equal(['extra.txt']);
      expect(fs.readdirSync(dst)).to.deep.equal(['extra.txt']);
    });

    it('excludes are honoured, and excluded destination entries survive a mirror', async function () {
      // Skipped only for engines without real I/O (simulated): they copy nothing to exclude.
      if (!subject.supportsRealIo) this.skip();
      makeTree(src, { ...BASIC, 'noise.log': 'log', skip: { 'inside.txt': 'i' }, nested: { 'b.txt': 'bravo', skip: { 'deep.txt': 'd' } } });
      makeTree(dst, { 'kept.log': 'old', skip: { 'kept.txt': 'k' } });
      const mirror = copier.capabilities.mirror;
      const r = await start(makeChunk(src, dst), makeOptions({ excludeFiles: ['*.log'], excludeDirs: ['skip'], mirror })).done;
      expectOk(r);
      const files = [...listFiles(dst).keys()];
      expect(files).to.not.include('noise.log');
      expect(files.filter((f) => f.includes('inside') || f.includes('deep'))).to.deep.equal([]);
      expect(files).to.include('nested/b.txt');
      if (mirror) expect(files).to.include.members(['kept.log', 'skip/kept.txt']);
    });

    for (const below of [true, false]) {
      it(`onlyFiles copies just the listed files and deletes nothing, also under mirror (capabilities.fileList; ${below ? 'a chunk below the root' : 'the root chunk'})`, async function () {
        // Skipped for engines that declare no file list (their retries copy the whole chunk) and for
        // engines without real I/O (simulated): there is nothing to list.
        if (!copier.capabilities.fileList || !subject.supportsRealIo) this.skip();
        const [from, to] = below ? [path.join(src, 'part'), path.join(dst, 'part')] : [src, dst];
        makeTree(from, BASIC);
        makeTree(to, { 'extra.txt': 'x', 'a.txt': 'stale' });
        const chunk = makeChunk(from, to, 'tree', below ? 'part' : '');
        // Nested names where the engine takes them (robocopy names only files of the chunk's own directory).
        const nested = ['a.txt', 'nested/deeper/c.bin'];
        const list = copier.fileListProblem?.(chunk, nested) ? ['a.txt', 'with space é.bin'] : nested;
        const r = await start(chunk, makeOptions({ mirror: true, onlyFiles: list })).done;
        expectOk(r);
        expect([...listFiles(to).keys()].sort()).to.deep.equal([...list, 'extra.txt'].sort());
        for (const f of list) expect(fs.readFileSync(path.join(to, f)).equals(fs.readFileSync(path.join(from, f))), f).to.equal(true);
        expect(r.stats.filesCopied).to.equal(list.length);
        expect(r.stats.extrasRemoved).to.equal(0);
      });
    }

    it('a missing source gives an Error or Fatal result, not a rejection', async function () {
      // Skipped only for engines without real I/O (simulated): they never read the source, so a missing one cannot fail them.
      if (!subject.supportsRealIo) this.skip();
      const job = start(makeChunk(path.join(root, 'does-not-exist'), dst), makeOptions());
      const r = await job.done;
      expectResultShape(r);
      expect(['Error', 'Fatal']).to.include(r.exitMeaning.severity);
      expect(r.killed).to.equal(false);
    });
  });
}
