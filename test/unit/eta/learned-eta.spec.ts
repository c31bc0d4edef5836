import { expect } from 'chai';
import type { Chunk } from '../../../src/api';
import { blendEta, fitCostModel, LearnedEta } from '../../../src/eta';
import type { ChunkHistoryRow } from '../../../src/state/chunk-history';

const chunk = (id: string, bytes: number, files: number): Chunk => ({
  id, profile: 'p', kind: 'tree', relPath: id, sourcePath: `/s/${id}`, destinationPath: `/d/${id}`, depth: 1, estimatedBytes: bytes, estimatedFiles: files,
});
/** A history row made by a known cost: `msPerByte`, `msPerFile`, times `factor`. */
const row = (c: Chunk, msPerByte: number, msPerFile: number, factor = 1): ChunkHistoryRow => ({
  chunkId: c.id, bytes: c.estimatedBytes, files: c.estimatedFiles, estBytes: c.estimatedBytes, estFiles: c.estimatedFiles,
  durationMs: factor * (msPerByte * c.estimatedBytes + msPerFile * c.estimatedFiles), engine: 'native',
});

describe('learnt ETA on synthetic histories', () => {
  // 100 MB/s and 2,000 files/s: 1e-5 ms per byte, 0.5 ms per file.
  const A = 1e-5; const B = 0.5;
  const past = [chunk('big', 5e9, 100), chunk('many', 1e6, 200_000), chunk('mid', 1e9, 20_000), chunk('small', 1e7, 10)];

  it('fits bytes/s and files/s from the history (and one term alone when the other explains nothing)', () => {
    const m = fitCostModel(past.map((c) => row(c, A, B)))!;
    expect(m.msPerByte).to.be.closeTo(A, A * 1e-6);
    expect(m.msPerFile).to.be.closeTo(B, B * 1e-6);
    expect(m.samples).to.equal(4);
    const bytesOnly = fitCostModel(past.map((c) => row(c, A, 0)))!;
    expect(bytesOnly.msPerFile).to.be.closeTo(0, 1e-9);
    expect(bytesOnly.msPerByte).to.be.closeTo(A, A * 1e-6);
    expect(fitCostModel([])).to.equal(undefined);
  });

  it('without history: no estimate and the planned order is kept', () => {
    const eta = new LearnedEta([]);
    expect(eta.known).to.equal(false);
    expect(eta.order(past).map((c) => c.id)).to.deep.equal(past.map((c) => c.id));
    expect(eta.remainingSeconds({ pending: past, active: [], finished: [], concurrency: 2 })).to.equal(undefined);
  });

  it('a chunk with a history of its own is expected to take its own time, scaled by its change in size', () => {
    const slow = chunk('slow-share', 1e8, 100);
    const eta = new LearnedEta([...past.map((c) => row(c, A, B)), row(slow, A, B, 20), row(slow, A, B, 20)]);
    const modelled = A * 1e8 + B * 100;
    expect(eta.expectedMs(slow)).to.be.closeTo(20 * modelled, 1e-3 * modelled);
    expect(eta.expectedMs(chunk('slow-share', 2e8, 200))).to.be.closeTo(40 * modelled, 1e-3 * modelled);
    // A chunk without a past of its own gets the fitted model.
    expect(eta.expectedMs(chunk('new', 3e9, 0))).to.equal(eta.costModel!.msPerByte * 3e9);
    expect(new LearnedEta(past.map((c) => row(c, A, B))).expectedMs(chunk('new', 3e9, 0))).to.be.closeTo(A * 3e9, 1e-6);
  });

  it('orders longest expected first: many small files before one big file of more bytes', () => {
    const eta = new LearnedEta(past.map((c) => row(c, A, B)));
    // big: 50 s + 0.05 s; many: 0.01 s + 100 s; mid: 10 s + 10 s; small: 0.1 s.
    expect(eta.order(past).map((c) => c.id)).to.deep.equal(['many', 'big', 'mid', 'small']);
  });

  it('lays the remaining chunks on the job lanes and paces them by this run', () => {
    const ten = [1, 2, 3, 4].map((i) => chunk(`t${i}`, 1e6, 0));
    const eta = new LearnedEta(ten.map((c) => row(c, 1e-2, 0))); // 10 s each
    expect(eta.remainingSeconds({ pending: ten, active: [], finished: [], concurrency: 2 })).to.equal(20);
    expect(eta.remainingSeconds({ pending: ten, active: [], finished: [], concurrency: 4 })).to.equal(10);
    expect(eta.remainingSeconds({ pending: ten.slice(2), active: [{ chunk: ten[1], elapsedMs: 4000 }], finished: [], concurrency: 2 })).to.equal(16);
    // Three chunks that took twice as long as expected tonight: the rest will too.
    const more = [5, 6, 7, 8].map((i) => chunk(`t${i}`, 1e6, 0));
    const all = new LearnedEta([...ten, ...more].map((c) => row(c, 1e-2, 0)));
    const finished = ten.slice(0, 3).map((c) => ({ chunk: c, durationMs: 20_000 }));
    expect(all.pace({ pending: more, active: [], finished, concurrency: 2 })).to.be.closeTo(2, 1e-9);
    expect(all.remainingSeconds({ pending: more, active: [], finished, concurrency: 2 })).to.equal(40);
    // A running chunk a quarter done after 5 s of its 10 s says the same.
    expect(all.pace({ pending: more, active: [{ chunk: ten[0], elapsedMs: 5000, fractionDone: 0.25 }], finished: [], concurrency: 2 })).to.be.closeTo(2, 1e-9);
    // Little evidence moves the pace only part of the way: 0.8 s of the 50 s of work in view is
    // 0.32 of the 5 % (2.5 s) that is trusted fully.
    const tiny = { pending: more, active: [{ chunk: ten[0], elapsedMs: 1600, fractionDone: 0.08 }], finished: [], concurrency: 2 };
    expect(all.pace(tiny)).to.be.closeTo(1 + 0.32 * (2 - 1), 1e-9);
  });

  it('blends: learnt before live data, live without history, weighted by the share done in between', () => {
    expect(blendEta(100, undefined, 0.5)).to.equal(100);
    expect(blendEta(undefined, 60, 0.5)).to.equal(60);
    expect(blendEta(100, 60, 0)).to.equal(100);
    expect(blendEta(100, 60, 0.25)).to.equal(90);
    expect(blendEta(100, 60, 1)).to.equal(60);
  });
});
