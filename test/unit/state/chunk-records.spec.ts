import { expect } from 'chai';
import { HISTORY_PER_CHUNK } from '../../../src/state/chunk-history';
import type { StateStore } from '../../../src/state/state-store';
import { chunk, ok, StateKit } from './state-test-kit';

const PLAN = [chunk('a', 3000), chunk('b', 2000), chunk('c', 1000)];

function begin(s: StateStore, sid: string, dryRun = false): number {
  s.beginRun({ sessionId: sid, configHash: 'h', configPath: '/c', dryRun });
  return s.beginProfileRun(sid, 'p', 'fp', PLAN, { resume: true }).profileRunId;
}

describe('StateStore chunk records', () => {
  const kit = new StateKit();
  afterEach(() => kit.cleanup());

  it('records attempts, completion and the learnt duration', () => {
    const s = kit.open();
    const r = begin(s, 's1');
    s.markChunkRunning(r, PLAN[0].id, 1);
    expect(s.listChunks(r, 'Running').map((c) => c.chunkId)).to.deep.equal([PLAN[0].id]);
    s.markChunkFailed(r, PLAN[0].id, { exitCode: 8, severity: 'Error', message: 'locked file' });
    s.markChunkRunning(r, PLAN[0].id, 2);
    s.markChunkDone(r, PLAN[0].id, { ...ok(2500), durationMs: 1234.4 });
    const [row] = s.listChunks(r, 'Complete');
    expect(row).to.include({ chunkId: PLAN[0].id, attempts: 2, exitCode: 1, severity: 'Success', bytesCopied: 2500, durationMs: 1234, lastError: null });
    const stats = s.chunkDurationStats('p');
    expect(stats).to.include({ samples: 1, bytes: 2500, durationMs: 1234 });
    expect(stats.byChunk.get(PLAN[0].id)).to.include({ samples: 1, lastBytes: 2500, lastDurationMs: 1234 });
  });

  it('refuses to record an Error or Fatal result as complete, and leaves the row as it was', () => {
    const s = kit.open();
    const r = begin(s, 's1');
    s.markChunkRunning(r, PLAN[0].id, 1);
    for (const severity of ['Error', 'Fatal'] as const) {
      expect(() => s.markChunkDone(r, PLAN[0].id, { exitCode: 16, severity, filesCopied: 0, bytesCopied: 0, durationMs: 1 }))
        .to.throw(/cannot be recorded complete/).with.property('code', 'STATE_NOT_A_SUCCESS');
    }
    expect(s.listChunks(r, 'Running')).to.have.length(1);
    expect(s.chunkDurationStats('p').samples).to.equal(0);
  });

  it('keeps the warning message of a CompleteWithWarnings chunk', () => {
    const s = kit.open();
    const r = begin(s, 's1');
    s.markChunkDone(r, PLAN[1].id, { ...ok(10, 'Warning'), message: 'mismatches found' });
    expect(s.listChunks(r, 'CompleteWithWarnings')[0]).to.include({ lastError: 'mismatches found', severity: 'Warning' });
  });

  it('stores paths with names that are not UTF-8 without loss, and messages with them shown as \\xNN', () => {
    const s = kit.open();
    s.beginRun({ sessionId: 's1', configHash: 'h', configPath: '/c', dryRun: false });
    const odd = { ...chunk('caf\udce9/d\\x80', 10), sourcePath: '/src/caf\udce9/d\\x80' };
    const r = s.beginProfileRun('s1', 'p', 'fp', [odd], { resume: true }).profileRunId;
    s.markChunkFailed(r, odd.id, { exitCode: 23, severity: 'Error', message: 'cannot open caf\udce9/f\udcff' });
    const [row] = s.listChunks(r);
    expect(row).to.include({ relPath: 'caf\udce9/d\\x80', source: '/src/caf\udce9/d\\x80', lastError: 'cannot open caf\\xE9/f\\xFF' });
  });

  it('throws for a chunk that is not in the profile run', () => {
    const s = kit.open();
    const r = begin(s, 's1');
    expect(() => s.markChunkRunning(r, 'nope', 1)).to.throw(/not part of profile run/).with.property('code', 'STATE_UNKNOWN_CHUNK');
    expect(() => s.markChunkDone(r + 1, PLAN[0].id, ok())).to.throw().with.property('code', 'STATE_UNKNOWN_CHUNK');
  });

  it('does not learn durations from dry runs', () => {
    const s = kit.open();
    const r = begin(s, 'dry', true);
    s.markChunkDone(r, PLAN[0].id, ok());
    expect(s.chunkDurationStats('p').samples).to.equal(0);
  });

  it('keeps a bounded history per chunk, newest rows last, and computes throughput', () => {
    const s = kit.open();
    for (let i = 0; i < HISTORY_PER_CHUNK + 5; i++) {
      const r = begin(s, `s${i}`);
      s.markChunkDone(r, PLAN[0].id, { ...ok(1000 * (i + 1)), durationMs: 1000 });
    }
    const stats = s.chunkDurationStats('p');
    const c = stats.byChunk.get(PLAN[0].id)!;
    expect(c.samples).to.equal(HISTORY_PER_CHUNK);
    expect(c.lastBytes).to.equal(1000 * (HISTORY_PER_CHUNK + 5));
    expect(stats.samples).to.equal(HISTORY_PER_CHUNK);
    expect(stats.bytesPerSecond).to.equal(stats.bytes / HISTORY_PER_CHUNK);
    expect(s.chunkDurationStats('other').bytesPerSecond).to.equal(0);
  });

  it('lists the failed chunks of the last real run for retry-failed', () => {
    const s = kit.open();
    const r1 = begin(s, 's1');
    s.markChunkFailed(r1, PLAN[0].id, { exitCode: 8, severity: 'Error', message: 'old failure' });
    s.endProfileRun(r1, 'Failed');
    const r2 = begin(s, 's2');
    s.markChunkDone(r2, PLAN[0].id, ok());
    s.markChunkRunning(r2, PLAN[2].id, 3);
    s.markChunkFailed(r2, PLAN[2].id, { exitCode: 16, severity: 'Fatal', message: 'destination gone' });
    s.endProfileRun(r2, 'Failed');
    const dry = begin(s, 'dry', true);
    s.markChunkFailed(dry, PLAN[1].id, { exitCode: 8, severity: 'Error', message: 'dry failure' });

    const failed = s.failedChunksOfLastRun('p');
    expect(failed.map((c) => [c.chunkId, c.exitCode, c.attempts, c.lastError])).to.deep.equal([[PLAN[2].id, 16, 3, 'destination gone']]);
    expect(s.failedChunksOfLastRun('unknown')).to.deep.equal([]);
  });

  it('totals a profile run from its own chunks at the end', () => {
    const s = kit.open();
    const r = begin(s, 's1');
    s.markChunkDone(r, PLAN[0].id, ok(3000));
    s.markChunkFailed(r, PLAN[1].id, { exitCode: 8, severity: 'Error', message: 'x', bytesCopied: 50, filesCopied: 1 });
    const end = s.endProfileRun(r, 'Failed');
    expect(end).to.include({ result: 'Failed', bytesCopied: 3050, filesCopied: 11, chunksTotal: 3, bytesTotal: 6000, filesTotal: 30 });
    expect(end.endedAt).to.be.a('string');
  });
});
