import { expect } from 'chai';
import * as fc from 'fast-check';
import { Gate } from '../../../../src/engines/native/gate';
import { Limiter } from '../../../../src/engines/native/limiter';
import { resolveNativeOptions, NATIVE_DEFAULTS } from '../../../../src/engines/native/native-options';
import { isTempName, tagOf, TempTags, tempNameFor } from '../../../../src/engines/native/temp-name';
import { sameMtime } from '../../../../src/engines/native/times';
import { microsecondSeconds } from '../../../../src/fs/file-times';

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
    it('microsecondSeconds (no helper) survives libuv truncation to the microsecond, before and after 1970', () => {
      fc.assert(fc.property(fc.bigInt({ min: -4_000_000_000_000_000_000n, max: 4_000_000_000_000_000_000n }), (ns) => {
        const s = microsecondSeconds(ns);
        // libuv: tv_sec = trunc(s); tv_nsec = trunc((s - tv_sec) * 1e9), cut to µs toward zero, then borrowed when negative.
        let sec = Math.trunc(s);
        let nsec = Math.trunc((s - sec) * 1e9);
        nsec -= nsec % 1000;
        if (nsec < 0) { nsec += 1e9; sec -= 1; }
        const floorUs = ns < 0n && ns % 1000n !== 0n ? ns / 1000n - 1n : ns / 1000n;
        return BigInt(sec) * 1_000_000n + BigInt(nsec / 1000) === floorUs;
      }));
    });

    it('sameMtime: less than a millisecond apart, or within a window', () => {
      expect(sameMtime(1000.2, 1000.9)).to.equal(true);
      expect(sameMtime(1000.9, 1001.0)).to.equal(true);
      expect(sameMtime(1623745801000, 1623745800999.999)).to.equal(true);
      expect(sameMtime(1000.5, 1001.5)).to.equal(false);
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
