import { expect } from 'chai';
import * as fc from 'fast-check';
import { Gate } from '../../../../src/engines/native/gate';
import { Limiter } from '../../../../src/engines/native/limiter';
import { resolveNativeOptions, NATIVE_DEFAULTS } from '../../../../src/engines/native/native-options';
import { isTempName, tagOf, TempTags, tempNameFor } from '../../../../src/engines/native/temp-name';
import { sameMtime, utimesSeconds } from '../../../../src/engines/native/times';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('native engine helpers', () => {
  describe('Gate', () => {
    it('lets callers through when open and parks them while closed', async () => {
      const g = new Gate();
      let passed = 0;
      await g.wait(); passed++;
      g.close(); g.close();
      void g.wait().then(() => passed++);
      await tick();
      expect(passed).to.equal(1);
      g.open(); g.open();
      await tick();
      expect(passed).to.equal(2);
      expect(g.isClosed).to.equal(false);
    });
  });

  describe('Limiter', () => {
    it('never runs more than its concurrency and runs everything', async () => {
      const l = new Limiter(3);
      let active = 0; let peak = 0; let ran = 0;
      await Promise.all(Array.from({ length: 20 }, () => l.run(async () => {
        active++; peak = Math.max(peak, active);
        await tick();
        active--; ran++;
      })));
      expect(peak).to.equal(3);
      expect(ran).to.equal(20);
    });

    it('frees the slot when a task throws', async () => {
      const l = new Limiter(1);
      await l.run(async () => { throw new Error('x'); }).catch(() => undefined);
      expect(await l.run(async () => 42)).to.equal(42);
    });

    it('rejects a concurrency below 1', () => {
      expect(() => new Limiter(0)).to.throw(RangeError);
    });
  });

  describe('temp names', () => {
    it('are hidden, recognisable and distinct', () => {
      const tags = new TempTags();
      const a = tempNameFor('report.pdf', tags.next());
      expect(a).to.match(/^\.report\.pdf\.robocurse-[0-9a-f]{12}\.tmp$/);
      expect(isTempName(a)).to.equal(true);
      expect(tempNameFor('report.pdf', tags.next())).to.not.equal(a);
      expect(isTempName('report.tmp')).to.equal(false);
    });

    it('a reserved block of tags never overlaps the next tag', () => {
      const tags = new TempTags();
      const block = tags.reserve(64);
      const inBlock = new Set(Array.from({ length: 64 }, (_, i) => tagOf(block.prefix, block.first + i)));
      expect(inBlock.size).to.equal(64);
      expect(inBlock.has(tags.next())).to.equal(false);
    });

    it('stay within the name limit for long names', () => {
      const long = 'é'.repeat(120); // 240 bytes in UTF-8
      const t = tempNameFor(long, new TempTags().next());
      expect(Buffer.byteLength(t)).to.be.at.most(255);
      expect(isTempName(t)).to.equal(true);
    });
  });

  describe('times', () => {
    it('utimesSeconds survives libuv truncation to the microsecond', () => {
      fc.assert(fc.property(fc.double({ min: 0, max: 4e12, noNaN: true }), (ms) => {
        const s = utimesSeconds(ms);
        // libuv: tv_sec = trunc(s); tv_nsec = trunc((s - tv_sec) * 1e9), rounded down to µs.
        const sec = Math.trunc(s);
        const us = Math.trunc(Math.trunc((s - sec) * 1e9) / 1000);
        return sec * 1_000_000 + us === Math.floor(ms * 1000);
      }));
    });

    it('sameMtime compares to the millisecond, or within a window', () => {
      expect(sameMtime(1000.2, 1000.9)).to.equal(true);
      expect(sameMtime(1000.9, 1001.0)).to.equal(false);
      expect(sameMtime(1000, 2999, 2000)).to.equal(true);
      expect(sameMtime(1000, 3001, 2000)).to.equal(false);
    });
  });

  describe('options', () => {
    it('merges defaults, constructor and engineOptions.native in that order', () => {
      expect(resolveNativeOptions({}, {})).to.deep.equal(NATIVE_DEFAULTS);
      const r = resolveNativeOptions({ fileConcurrency: 4, maxErrors: 5 }, { native: { fileConcurrency: 2 } });
      expect(r).to.include({ fileConcurrency: 2, maxErrors: 5, streamThresholdBytes: 8 * 1024 * 1024 });
    });

    it('throws a TypeError naming a bad option', () => {
      expect(() => resolveNativeOptions({}, { native: { fileConcurrency: 0 } })).to.throw(TypeError, /fileConcurrency/);
      expect(() => resolveNativeOptions({}, { native: { mtimeWindowMs: -1 } })).to.throw(TypeError, /mtimeWindowMs/);
      expect(() => resolveNativeOptions({}, { native: 'fast' })).to.throw(TypeError, /engineOptions.native/);
    });
  });
});
