import { expect } from 'chai';
import { renderHistoryJson, renderHistoryText } from '../../../src/report/render-history';
import { renderStatusJson, renderStatusText } from '../../../src/report/render-status';
import type { StateStore } from '../../../src/state/state-store';
import { chunk, deadPid, ok, StateKit } from './state-test-kit';

const PLAN = [chunk('a', 3 * 1024 ** 3), chunk('b', 1024 ** 3), chunk('c', 1024)];
const NOW = new Date('2030-01-01T01:00:00.000Z');

/** A killed first session (1 chunk done), then a second that resumed it and is still running. */
function scenario(kit: StateKit): { s: StateStore; r1: number; r2: number } {
  const dir = kit.dir();
  let t = 0;
  const s = kit.open(dir, () => new Date(Date.UTC(2030, 0, 1) + 60_000 * t++));
  s.beginRun({ sessionId: 'first', configHash: 'h', configPath: '/etc/rc.json', dryRun: false });
  const r1 = s.beginProfileRun('first', 'docs', 'fp', PLAN, { resume: true }).profileRunId;
  s.markChunkRunning(r1, PLAN[0].id, 1);
  s.markChunkDone(r1, PLAN[0].id, ok(3 * 1024 ** 3));
  kit.raw(dir).prepare("UPDATE runs SET pid = ? WHERE session_id = 'first'").run(deadPid());

  s.beginRun({ sessionId: 'second', configHash: 'h', configPath: '/etc/rc.json', dryRun: false });
  const r2 = s.beginProfileRun('second', 'docs', 'fp', PLAN, { resume: true }).profileRunId;
  s.markChunkRunning(r2, PLAN[1].id, 2);
  s.markChunkFailed(r2, PLAN[2].id, { exitCode: 8, severity: 'Error', message: 'Access is denied.' });
  s.recordEvent({ type: 'ChunkError', sessionId: 'second', seq: 7, timestamp: '2030-01-01T00:30:00+00:00',
    data: { profile: 'docs', chunkId: PLAN[2].id, source: '/src/c', retryCount: 3, exitCode: 8, message: 'Access is denied.' } });
  return { s, r1, r2 };
}

describe('status and history views', () => {
  const kit = new StateKit();
  afterEach(() => kit.cleanup());

  it('tells running from interrupted sessions and counts done bytes including carried chunks', () => {
    const { s, r1, r2 } = scenario(kit);
    const st = s.status()!;
    expect(st.run.sessionId).to.equal('second');
    expect(st.state).to.equal('running');
    expect(st.lastEventSeq).to.equal(7);
    expect(st.profiles).to.have.length(1);
    expect(st.profiles[0].profileRun).to.include({ id: r2, resumedFrom: r1 });
    expect(st.profiles[0].counts).to.include({ Skipped: 1, Running: 1, Failed: 1, Pending: 0 });
    expect(st.profiles[0].bytesDone).to.equal(3 * 1024 ** 3);
    expect(s.status('first')!.state).to.equal('interrupted');
    expect(s.status('nope')).to.equal(undefined);
  });

  it('renders status as text naming progress, running and failed chunks', () => {
    const { s } = scenario(kit);
    const text = renderStatusText(s.status(), NOW);
    expect(text).to.contain('Session second: running');
    expect(text).to.match(/Profile docs \(run #2, resumed from #1\): in progress/);
    expect(text).to.contain('1/3 done (1 from earlier runs');
    expect(text).to.contain('3.00 GiB of 4.00 GiB estimated in finished chunks (74.9%)');
    expect(text).to.match(/running: b \[tree\] attempt 2/);
    expect(text).to.match(/failed: +c \[tree\] exit 8 .*Access is denied\./);
    expect(text).to.contain('Last event #7 ChunkError');
    expect(renderStatusText(s.status('first'), NOW)).to.contain('INTERRUPTED');
    expect(renderStatusText(undefined)).to.equal('No runs recorded yet.\n');
  });

  it('renders status as JSON with every field a script needs', () => {
    const { s } = scenario(kit);
    const doc = JSON.parse(renderStatusJson(s.status()));
    expect(doc.format).to.equal('robocurse.status/1');
    expect(doc.session).to.include({ sessionId: 'second', state: 'running', lastEventSeq: 7, dryRun: false });
    expect(doc.session.profiles[0].counts).to.include({ Skipped: 1 });
    expect(doc.session.profiles[0].failed[0]).to.include({ relPath: 'c', exitCode: 8 });
    expect(JSON.parse(renderStatusJson(undefined))).to.deep.equal({ format: 'robocurse.status/1', session: null });
  });

  it('lists history newest first, as text and JSON', () => {
    const { s } = scenario(kit);
    s.endRun('second', 'Failed', 2);
    const entries = s.history(10);
    expect(entries.map((e) => [e.run.sessionId, e.state])).to.deep.equal([['second', 'ended'], ['first', 'interrupted']]);
    const text = renderHistoryText(entries, NOW);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).to.match(/Failed \(exit 2\).*session second/);
    expect(lines[1]).to.match(/docs .*3 chunks: 0 ok, 0 warn, 1 failed, 1 skipped, 1 not done.*resumed from run #1/);
    expect(lines[2]).to.match(/INTERRUPTED.*session first/);
    expect(lines[3]).to.match(/docs .*interrupted .*1 ok/);
    expect(s.history(1)).to.have.length(1);
    const doc = JSON.parse(renderHistoryJson(entries));
    expect(doc.format).to.equal('robocurse.history/1');
    expect(doc.runs.map((r: { sessionId: string }) => r.sessionId)).to.deep.equal(['second', 'first']);
    expect(doc.runs[0].profiles[0]).to.include({ profile: 'docs', resumedFrom: 1 });
    expect(renderHistoryText([])).to.equal('No runs recorded yet.\n');
  });

  it('finds the last run of a profile', () => {
    const { s } = scenario(kit);
    expect(s.lastRun('docs')!.sessionId).to.equal('second');
    expect(s.lastRun('unknown')).to.equal(undefined);
  });
});
