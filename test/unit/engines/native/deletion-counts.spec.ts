import { expect } from 'chai';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DELETES_HELD, DELETES_USED, limitForThreads, NO_DELETE_LIMIT, newDeletionCounts, releaseDeletions, reserveDeletions } from '../../../../src/engines/native/deletion-counts';

/**
 * maxDeletes as the main thread and the copy threads share it (deletion-counts.ts): a
 * reservation either fits the limit (used) or is held, and however many threads reserve at
 * once, what is used never exceeds the limit.
 */
describe('native engine: the deletion counts shared with the copy threads', () => {
  it('reserves within the limit, holds what does not fit, and gives back a reservation', () => {
    const c = newDeletionCounts();
    expect(reserveDeletions(c, 5, 3)).to.equal(true);
    expect(reserveDeletions(c, 5, 3), 'a directory of 3 entries does not fit in the 2 left').to.equal(false);
    expect(reserveDeletions(c, 5, 2)).to.equal(true);
    expect(reserveDeletions(c, 5, 1)).to.equal(false);
    expect([Atomics.load(c, DELETES_USED), Atomics.load(c, DELETES_HELD)]).to.deep.equal([5, 4]);
    releaseDeletions(c, 2);
    expect(reserveDeletions(c, 5, 2)).to.equal(true);
    expect(reserveDeletions(c, 0, 1), 'maxDeletes 0 deletes nothing').to.equal(false);
  });

  it('no limit admits everything; a limit beyond an Int32 is no limit in practice', () => {
    const c = newDeletionCounts();
    expect(reserveDeletions(c, NO_DELETE_LIMIT, 1_000_000)).to.equal(true);
    expect(limitForThreads(undefined)).to.equal(NO_DELETE_LIMIT);
    expect(limitForThreads(7)).to.equal(7);
    expect(limitForThreads(Number.MAX_SAFE_INTEGER)).to.equal(0x7fffffff);
  });

  it('four threads reserving one at a time, all at once, never use more than the limit', async () => {
    const c = newDeletionCounts();
    const limit = 300_000;
    // The threads start together (each waits until all four are up), so their reservations overlap.
    const ready = new Int32Array(new SharedArrayBuffer(4));
    const module = path.join(__dirname, '../../../../src/engines/native/deletion-counts.js');
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      const { reserveDeletions } = require(workerData.module);
      Atomics.add(workerData.ready, 0, 1);
      while (Atomics.load(workerData.ready, 0) < 4) { /* spin until all are up */ }
      let ok = 0;
      for (let i = 0; i < 200000; i++) if (reserveDeletions(workerData.counts, workerData.limit, 1)) ok++;
      parentPort.postMessage(ok);`;
    const admitted = await Promise.all([0, 1, 2, 3].map(() => new Promise<number>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { counts: c, ready, limit, module } });
      w.once('message', resolve);
      w.once('error', reject);
    })));
    expect(admitted.reduce((a, b) => a + b, 0)).to.equal(limit);
    expect([Atomics.load(c, DELETES_USED), Atomics.load(c, DELETES_HELD)]).to.deep.equal([limit, 4 * 200_000 - limit]);
  });
});
