import { expect } from 'chai';
import * as sinon from 'sinon';
import type { Chunk, CopyOptions, CopyResult } from '../../../../src/api';
import { SimulatedCopier, SimulatedStartError } from '../../../../src/engines/simulated';
import { silentLogger } from '../../../contract/contract-fixtures';

function chunk(over: Partial<Chunk> = {}): Chunk {
  return {
    id: 'p:tree:a', profile: 'p', kind: 'tree', relPath: 'a', sourcePath: '/nowhere/a', destinationPath: '/nowhere/b/a',
    depth: 1, estimatedFiles: 10, estimatedBytes: 10_000, ...over,
  };
}

function opts(over: Partial<CopyOptions> = {}): CopyOptions {
  return { mirror: false, dryRun: false, excludeFiles: [], excludeDirs: [], caseInsensitive: false, engineOptions: {}, logger: silentLogger(), ...over };
}

describe('SimulatedCopier', () => {
  describe('scripted outcomes', () => {
    it('walks through exitCodes one per attempt, repeating the last', async () => {
      const c = new SimulatedCopier({ script: { a: { exitCodes: [8, 16, 1], durationMs: 0 } } });
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await c.start(chunk(), opts()).done).exitCode);
      expect(codes).to.deep.equal([8, 16, 1, 1]);
      expect(c.attemptsOf('p:tree:a')).to.equal(4);
    });

    it('maps exit codes through the robocopy table, with stats to match', async () => {
      const c = new SimulatedCopier({ script: { '*': { exitCodes: [9], durationMs: 0 } } });
      const r = await c.start(chunk(), opts()).done;
      expect(r.exitMeaning).to.include({ severity: 'Error', shouldRetry: true });
      expect(r.stats).to.include({ filesFailed: 1, bytesFailed: 1000, filesCopied: 9, bytesCopied: 9000 });
      expect(r.errors).to.have.length(1);
      const fatal = await new SimulatedCopier({ script: { '*': { exitCodes: [16], durationMs: 0 } } }).start(chunk(), opts()).done;
      expect(fatal.exitMeaning).to.include({ severity: 'Fatal', shouldRetry: false });
      expect(fatal.stats.filesCopied).to.equal(0);
    });

    it('looks outcomes up by id, then relPath, then *', async () => {
      const c = new SimulatedCopier({ script: { '*': { exitCodes: [2], durationMs: 0 }, a: { exitCodes: [3], durationMs: 0 }, 'p:tree:b': { exitCodes: [4], durationMs: 0 } } });
      expect((await c.start(chunk(), opts()).done).exitCode).to.equal(3);
      expect((await c.start(chunk({ id: 'p:tree:b', relPath: 'b' }), opts()).done).exitCode).to.equal(4);
      expect((await c.start(chunk({ id: 'x', relPath: 'x' }), opts()).done).exitCode).to.equal(2);
    });

    it('lets engineOptions.simulated override the constructor, in either shape', async () => {
      const c = new SimulatedCopier({ script: { '*': { exitCodes: [1], durationMs: 0 } } });
      const bare = await c.start(chunk(), opts({ engineOptions: { simulated: { '*': { exitCodes: [8], durationMs: 0 } } } })).done;
      expect(bare.exitCode).to.equal(8);
      const wrapped = await c.start(chunk(), opts({ engineOptions: { simulated: { script: { a: { exitCodes: [4], durationMs: 0 } }, mismatchSeverity: 'Error' } } })).done;
      expect(wrapped.exitCode).to.equal(4);
      expect(wrapped.exitMeaning.severity).to.equal('Error');
    });

    it('crashes on start when told: always, or on listed attempts', () => {
      const c = new SimulatedCopier({ script: { a: { crashOnStart: [1, 3], durationMs: 0 } } });
      expect(() => c.start(chunk(), opts())).to.throw(SimulatedStartError);
      expect(() => c.start(chunk(), opts())).to.not.throw();
      expect(() => c.start(chunk(), opts())).to.throw(SimulatedStartError);
      const always = new SimulatedCopier({ script: { '*': { crashOnStart: true } } });
      expect(() => always.start(chunk(), opts())).to.throw(/crashed on start/);
    });

    it('rejects a malformed script with a TypeError naming the entry', () => {
      expect(() => new SimulatedCopier({ script: { a: { exitCodes: [] } } })).to.throw(TypeError, /"a".*exitCodes/);
      const c = new SimulatedCopier();
      expect(() => c.start(chunk(), opts({ engineOptions: { simulated: { '*': { durationMs: -1 } } } }))).to.throw(TypeError, /durationMs/);
    });

    it('defaults to success: exit 1 with data, 0 without', async () => {
      const c = new SimulatedCopier();
      expect((await c.start(chunk(), opts()).done).exitMeaning.severity).to.equal('Success');
      expect((await c.start(chunk({ estimatedFiles: 0, estimatedBytes: 0 }), opts()).done).exitCode).to.equal(0);
    });
  });

  describe('timing', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => { clock = sinon.useFakeTimers(); });

    function track(p: Promise<CopyResult>): { r?: CopyResult } {
      const s: { r?: CopyResult } = {};
      void p.then((r) => { s.r = r; });
      return s;
    }

    it('takes estimatedBytes / bytesPerSec and ticks progress in proportion', async () => {
      const c = new SimulatedCopier({ script: { '*': { bytesPerSec: 10_000 } }, progressIntervalMs: 100 });
      const job = c.start(chunk(), opts()); // 10,000 bytes at 10,000 B/s = 1 s
      const s = track(job.done);
      await clock.tickAsync(500);
      expect(job.progress().bytesCopied).to.be.within(4000, 5000);
      expect(s.r).to.equal(undefined);
      await clock.tickAsync(510);
      expect(s.r?.stats.bytesCopied).to.equal(10_000);
      expect(job.progress()).to.deep.equal({ bytesCopied: 10_000, filesCopied: 10 });
    });

    it('arms at most one timer per job', async () => {
      const c = new SimulatedCopier({ script: { '*': { durationMs: 1000 } }, progressIntervalMs: 10 });
      const jobs = Array.from({ length: 50 }, (_, i) => c.start(chunk({ id: `c${i}` }), opts()));
      expect(clock.countTimers()).to.equal(50);
      await clock.tickAsync(500);
      expect(clock.countTimers()).to.equal(50);
      await clock.tickAsync(600);
      await Promise.all(jobs.map((j) => j.done));
      expect(clock.countTimers()).to.equal(0);
    });

    it('zero-duration jobs finish on the next turn, one setImmediate each and no timeout', async () => {
      const c = new SimulatedCopier({ script: { '*': { durationMs: 0 } } });
      const jobs = Array.from({ length: 10_000 }, (_, i) => c.start(chunk({ id: `c${i}` }), opts()));
      expect(clock.countTimers()).to.equal(10_000); // the fake clock counts immediates too
      await clock.tickAsync(0);
      const results = await Promise.all(jobs.map((j) => j.done));
      expect(results.every((r) => r.exitMeaning.severity === 'Success')).to.equal(true);
    });

    it('suspend freezes, resume thaws, bandwidth slows it live', async () => {
      const c = new SimulatedCopier({ script: { '*': { bytesPerSec: 10_000 } }, progressIntervalMs: 50 });
      const job = c.start(chunk(), opts({ bandwidthBytesPerSec: 5000 })); // 2 s at 5,000 B/s
      await clock.tickAsync(1000);
      expect(job.progress().bytesCopied).to.be.within(4500, 5000);
      job.suspend!();
      await clock.tickAsync(5000);
      expect(job.progress().bytesCopied).to.be.at.most(5000);
      job.resume!();
      job.setBandwidth!(0); // unlimited: back to the script's 10,000 B/s, 0.5 s left
      const s = track(job.done);
      await clock.tickAsync(450);
      expect(s.r).to.equal(undefined);
      await clock.tickAsync(100);
      expect(s.r?.killed).to.equal(false);
    });

    it('kill resolves done with killed and the bytes reached so far', async () => {
      const c = new SimulatedCopier({ script: { '*': { durationMs: 1000 } }, progressIntervalMs: 100 });
      const job = c.start(chunk(), opts());
      await clock.tickAsync(300);
      await job.kill();
      const r = await job.done;
      expect(r).to.include({ killed: true, exitCode: -1 });
      expect(r.stats.bytesCopied).to.equal(job.progress().bytesCopied);
      expect(r.stats.bytesCopied).to.be.within(2000, 3000);
      expect(clock.countTimers()).to.equal(0);
    });
  });
});
