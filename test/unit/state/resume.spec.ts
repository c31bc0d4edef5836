import { expect } from 'chai';
import type { StateStore } from '../../../src/state/state-store';
import { chunk, ok, StateKit } from './state-test-kit';

const PLAN = [chunk('a', 5000), chunk('b', 4000), chunk('c', 3000), chunk('d', 2000)];
const FP = 'fingerprint-1';

function start(store: StateStore, sid: string, dryRun = false): void {
  store.beginRun({ sessionId: sid, configHash: 'h', configPath: '/etc/robocurse.json', dryRun });
}

function complete(store: StateStore, runId: number, id: string, severity: 'Success' | 'Warning' = 'Success'): void {
  store.markChunkRunning(runId, id, 1);
  store.markChunkDone(runId, id, ok(1000, severity));
}

describe('StateStore resume rule', () => {
  const kit = new StateKit();
  afterEach(() => kit.cleanup());

  it('does not resume when there is no earlier run', () => {
    const s = kit.open();
    start(s, 's1');
    const r = s.beginProfileRun('s1', 'p', FP, PLAN, { resume: true });
    expect(r.completedChunkIds.size).to.equal(0);
    expect(r.resumedFrom).to.equal(undefined);
    expect(r.notResumedBecause).to.match(/no earlier/);
    expect(s.chunkCounts(r.profileRunId).Pending).to.equal(4);
  });

  it('resumes a killed run: only Complete and CompleteWithWarnings chunks are done', () => {
    const s = kit.open();
    start(s, 's1');
    const r1 = s.beginProfileRun('s1', 'p', FP, PLAN, { resume: true }).profileRunId;
    complete(s, r1, PLAN[0].id);
    complete(s, r1, PLAN[1].id, 'Warning');
    s.markChunkRunning(r1, PLAN[2].id, 1);
    s.markChunkFailed(r1, PLAN[2].id, { exitCode: 8, severity: 'Error', message: 'access denied' });
    s.markChunkRunning(r1, PLAN[3].id, 1); // killed while running: no end recorded at all

    start(s, 's2');
    const r2 = s.beginProfileRun('s2', 'p', FP, PLAN, { resume: true });
    expect([...r2.completedChunkIds].sort()).to.deep.equal([PLAN[0].id, PLAN[1].id]);
    expect(r2.resumedFrom).to.equal(r1);
    const rows = s.listChunks(r2.profileRunId);
    const byId = new Map(rows.map((c) => [c.chunkId, c]));
    expect(byId.get(PLAN[0].id)).to.include({ status: 'Skipped', severity: 'Success', carriedFrom: r1, bytesCopied: 1000 });
    expect(byId.get(PLAN[1].id)).to.include({ status: 'Skipped', severity: 'Warning', carriedFrom: r1 });
    expect(byId.get(PLAN[2].id)).to.include({ status: 'Pending', attempts: 0, carriedFrom: null });
    expect(byId.get(PLAN[3].id)).to.include({ status: 'Pending' });
  });

  it('keeps every failed file of a session (exact names), and a resume carries those of the chunks it carries', () => {
    const s = kit.open();
    start(s, 's1');
    const r1 = s.beginProfileRun('s1', 'p', FP, PLAN, { resume: true }).profileRunId;
    complete(s, r1, PLAN[0].id, 'Warning');
    s.replaceFailedFiles(r1, PLAN[0].id, [{ path: 'a/locked\udc80.db', error: '32: in use', severity: 'Warning', attempts: 3 }]);
    s.markChunkRunning(r1, PLAN[1].id, 1);
    s.markChunkFailed(r1, PLAN[1].id, { exitCode: 8, severity: 'Error', message: 'access denied' });
    s.replaceFailedFiles(r1, PLAN[1].id, [{ path: 'b/x', error: 'EACCES: denied', severity: 'Error', attempts: 3 }, { path: 'b/y', error: 'EACCES: denied', severity: 'Error', attempts: 3 }]);
    expect(s.listFailedFiles('s1').map((f) => [f.chunkId, f.path, f.severity])).to.deep.equal([
      [PLAN[0].id, 'a/locked\udc80.db', 'Warning'], [PLAN[1].id, 'b/x', 'Error'], [PLAN[1].id, 'b/y', 'Error'],
    ]);
    // None left: a chunk that later completes clears its list.
    s.replaceFailedFiles(r1, PLAN[1].id, []);
    s.replaceFailedFiles(r1, PLAN[1].id, [{ path: 'b/y', error: 'EACCES: denied', severity: 'Error', attempts: 4 }]);

    start(s, 's2');
    s.beginProfileRun('s2', 'p', FP, PLAN, { resume: true });
    // The warning chunk is carried with its file; the failed chunk runs again and has none yet.
    expect(s.listFailedFiles('s2').map((f) => [f.chunkId, f.path, f.attempts])).to.deep.equal([[PLAN[0].id, 'a/locked\udc80.db', 3]]);
    expect(s.listFailedFiles('s1').map((f) => f.path)).to.deep.equal(['a/locked\udc80.db', 'b/y']);
  });

  it('resumes a run that ended Stopped or Failed with chunks left, not one that finished every chunk', () => {
    const s = kit.open();
    start(s, 's1');
    const r1 = s.beginProfileRun('s1', 'p', FP, PLAN, { resume: true }).profileRunId;
    complete(s, r1, PLAN[0].id);
    s.endProfileRun(r1, 'Stopped');
    start(s, 's2');
    const r2 = s.beginProfileRun('s2', 'p', FP, PLAN, { resume: true });
    expect(r2.resumedFrom).to.equal(r1);
    for (const c of PLAN.slice(1)) complete(s, r2.profileRunId, c.id);
    s.endProfileRun(r2.profileRunId, 'Success');

    start(s, 's3');
    const r3 = s.beginProfileRun('s3', 'p', FP, PLAN, { resume: true });
    expect(r3.resumedFrom).to.equal(undefined);
    expect(r3.completedChunkIds.size).to.equal(0);
    expect(r3.notResumedBecause).to.match(/finished with every chunk done/);
  });

  it('carries completed chunks through any number of successive interrupted runs', () => {
    const s = kit.open();
    const runIds: number[] = [];
    for (let i = 0; i < PLAN.length; i++) {
      start(s, `s${i}`);
      const r = s.beginProfileRun(`s${i}`, 'p', FP, PLAN, { resume: true });
      expect(r.completedChunkIds.size, `run ${i}`).to.equal(i);
      if (i > 0) expect(r.resumedFrom).to.equal(runIds[i - 1]);
      runIds.push(r.profileRunId);
      complete(s, r.profileRunId, PLAN[i].id); // one more chunk, then "killed"
    }
    start(s, 'last');
    const last = s.beginProfileRun('last', 'p', FP, PLAN, { resume: true });
    expect(last.completedChunkIds.size).to.equal(PLAN.length);
    // Each chunk still names the run that really copied it, however often it was carried.
    const carried = new Map(s.listChunks(last.profileRunId).map((c) => [c.chunkId, c.carriedFrom]));
    PLAN.forEach((c, i) => expect(carried.get(c.id), c.id).to.equal(runIds[i]));
    // The last run copied nothing itself.
    expect(s.endProfileRun(last.profileRunId, 'Success')).to.include({ bytesCopied: 0, filesCopied: 0 });
  });

  it('never resumes across a fingerprint change, and the change breaks the chain for good', () => {
    const s = kit.open();
    start(s, 's1');
    const r1 = s.beginProfileRun('s1', 'p', FP, PLAN, { resume: true }).profileRunId;
    complete(s, r1, PLAN[0].id);
    start(s, 's2');
    const r2 = s.beginProfileRun('s2', 'p', 'fingerprint-2', PLAN, { resume: true });
    expect(r2.completedChunkIds.size).to.equal(0);
    expect(r2.notResumedBecause).to.match(/changed/);
    // Back to the old config: the run in between may have changed the destination (mirror),
    // so the old checkpoint is not trusted any more.
    start(s, 's3');
    const r3 = s.beginProfileRun('s3', 'p', FP, PLAN, { resume: true });
    expect(r3.completedChunkIds.size).to.equal(0);
  });

  it('never lets a dry run skip chunks, nor a dry run\'s chunks be skipped by a real run', () => {
    const s = kit.open();
    start(s, 'real1');
    const r1 = s.beginProfileRun('real1', 'p', FP, PLAN, { resume: true }).profileRunId;
    complete(s, r1, PLAN[0].id);

    start(s, 'dry', true);
    const dry = s.beginProfileRun('dry', 'p', FP, PLAN, { resume: true });
    expect(dry.completedChunkIds.size).to.equal(0);
    expect(dry.notResumedBecause).to.match(/dry run/);
    for (const c of PLAN) complete(s, dry.profileRunId, c.id);

    // The dry run "completed" everything, but only the real run's chunk counts.
    start(s, 'real2');
    const r2 = s.beginProfileRun('real2', 'p', FP, PLAN, { resume: true });
    expect([...r2.completedChunkIds]).to.deep.equal([PLAN[0].id]);
    expect(r2.resumedFrom).to.equal(r1);
  });

  it('does not resume when resume is off', () => {
    const s = kit.open();
    start(s, 's1');
    const r1 = s.beginProfileRun('s1', 'p', FP, PLAN, { resume: false }).profileRunId;
    complete(s, r1, PLAN[0].id);
    start(s, 's2');
    const r2 = s.beginProfileRun('s2', 'p', FP, PLAN, { resume: false });
    expect(r2.completedChunkIds.size).to.equal(0);
    expect(r2.notResumedBecause).to.equal(undefined);
  });

  it('matches chunks by stable id only: a re-cut plan copies new and changed chunks', () => {
    const s = kit.open();
    start(s, 's1');
    const r1 = s.beginProfileRun('s1', 'p', FP, PLAN, { resume: true }).profileRunId;
    for (const c of PLAN) complete(s, r1, c.id);
    s.markChunkRunning(r1, PLAN[3].id, 2); // left unfinished, so the run is resumable

    // 'a' is now split: its files-only part and a new subtree have other ids and must be copied.
    const newPlan = [chunk('a', 10, 'files-only'), chunk('a/x', 4990), ...PLAN.slice(1)];
    start(s, 's2');
    const r2 = s.beginProfileRun('s2', 'p', FP, newPlan, { resume: true });
    expect([...r2.completedChunkIds].sort()).to.deep.equal([PLAN[1].id, PLAN[2].id]);
    expect(s.listChunks(r2.profileRunId).map((c) => c.chunkId)).to.not.include(PLAN[0].id);
  });

  it('resumes per profile: another profile\'s runs do not interfere', () => {
    const s = kit.open();
    start(s, 's1');
    const p1 = s.beginProfileRun('s1', 'p', FP, PLAN, { resume: true }).profileRunId;
    complete(s, p1, PLAN[0].id);
    const q1 = s.beginProfileRun('s1', 'q', FP, PLAN, { resume: true }).profileRunId;
    for (const c of PLAN) complete(s, q1, c.id);
    s.endProfileRun(q1, 'Success');
    start(s, 's2');
    expect(s.beginProfileRun('s2', 'p', FP, PLAN, { resume: true }).completedChunkIds.size).to.equal(1);
    expect(s.beginProfileRun('s2', 'q', FP, PLAN, { resume: true }).completedChunkIds.size).to.equal(0);
  });

  it('refuses a profile run for an unknown session', () => {
    const s = kit.open();
    expect(() => s.beginProfileRun('nope', 'p', FP, PLAN, { resume: true })).to.throw(/beginRun first/)
      .with.property('code', 'STATE_UNKNOWN_RUN');
  });
});
