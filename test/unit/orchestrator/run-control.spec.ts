import { expect } from 'chai';
import * as sinon from 'sinon';
import { JobLifecycle } from '../../../src/orchestrator/job-lifecycle';
import { ProgressTracker } from '../../../src/orchestrator/progress-tracker';
import { ProfileRun, type OrchestratorDeps } from '../../../src/orchestrator/run-context';
import { RunControl } from '../../../src/orchestrator/run-control';
import { makeChunks, makeProfile } from '../../helpers/profiles';
import { activate, HandJob, makeContext } from './part-kit';

describe('orchestrator part: control (RunControl)', () => {
  function setup(over: Partial<OrchestratorDeps> = {}) {
    const { ctx, events } = makeContext(over);
    const profile = makeProfile('p');
    ctx.state.currentProfile = profile;
    ctx.profileRun = new ProfileRun(profile);
    ctx.state.phase = 'Replicating';
    let ticks = 0;
    ctx.tick = () => { ticks++; };
    const progress = new ProgressTracker(ctx);
    const control = new RunControl(ctx, new JobLifecycle(ctx, progress), progress);
    const jobs = makeChunks('p', 2).map((c, i) => { const j = new HandJob(c); activate(ctx, i + 1, j, 0); return j; });
    return { ctx, events, control, jobs, ticks: () => ticks };
  }
  const types = (events: { type: string }[]): string[] => events.map((e) => e.type);

  it('pause with suspend freezes every running job, resume thaws them; each is an event and asks for a tick', () => {
    const { ctx, events, control, jobs, ticks } = setup();
    control.requestPause({ suspend: true });
    control.requestPause({ suspend: true }); // already paused: nothing again
    expect(ctx.state).to.include({ pauseRequested: true, suspended: true });
    expect(jobs.map((j) => j.calls)).to.deep.equal([['suspend'], ['suspend']]);
    control.requestResume();
    expect(ctx.state).to.include({ pauseRequested: false, suspended: false });
    expect(jobs.map((j) => j.calls)).to.deep.equal([['suspend', 'resume'], ['suspend', 'resume']]);
    expect(types(events)).to.deep.equal(['Paused', 'Resumed']);
    expect(ticks()).to.equal(1);
  });

  for (const action of ['stop', 'resume'] as const) {
    it(`a pause longer than the limit ends by itself: ${action} (PAUSE_TIMEOUT warning)`, () => {
      const clock = sinon.useFakeTimers();
      try {
        const { ctx, events, control } = setup({ pauseTimeout: { ms: 60_000, action } });
        control.requestPause();
        clock.tick(59_999);
        expect(types(events)).to.deep.equal(['Paused']);
        clock.tick(1);
        expect(events[1]).to.deep.include({ type: 'Warning' });
        expect((events[1].data as { code: string }).code).to.equal('PAUSE_TIMEOUT');
        expect(types(events).slice(2)).to.deep.equal(action === 'stop' ? ['StopRequested'] : ['Resumed']);
        expect(ctx.state.stopRequested).to.equal(action === 'stop');
        expect(ctx.state.pauseRequested).to.equal(action === 'stop');
      } finally {
        clock.restore();
      }
    });
  }

  it('a resume before the limit cancels the pause timeout', () => {
    const clock = sinon.useFakeTimers();
    try {
      const { events, control } = setup({ pauseTimeout: { ms: 1000, action: 'stop' } });
      control.requestPause();
      control.requestResume();
      clock.tick(10_000);
      expect(types(events)).to.deep.equal(['Paused', 'Resumed']);
    } finally {
      clock.restore();
    }
  });

  it('stop while suspended thaws the jobs first (a stopped process ignores SIGTERM until continued)', () => {
    const { events, control, jobs } = setup();
    control.requestPause({ suspend: true });
    control.requestStop('test');
    control.requestStop('again');
    expect(types(events)).to.deep.equal(['Paused', 'StopRequested', 'Resumed']);
    expect(jobs[0].calls).to.deep.equal(['suspend', 'resume']);
  });

  it('stopAllJobs kills every job; one that cannot be killed is reported with its chunk and does not spare the others', async () => {
    const { ctx, events, control, jobs } = setup();
    jobs[0].killError = new Error('EPERM');
    const first = control.stopAllJobs();
    expect(control.stopAllJobs()).to.equal(first);
    await first;
    expect(jobs.map((j) => j.calls)).to.deep.equal([['kill'], ['kill']]);
    expect(ctx.state.activeJobs.size).to.equal(0);
    expect(ctx.state.phase).to.equal('Stopped');
    const warning = events.find((e) => e.type === 'Warning')!.data as { code: string; message: string };
    expect(warning.code).to.equal('KILL_FAILED');
    expect(warning.message).to.contain(jobs[0].chunk.id).and.contain('EPERM');
    expect(events.at(-1)).to.deep.include({ type: 'Stopped', data: { queuedChunks: 0, killedJobs: 2 } });
  });

  it('drain: nothing new starts (a flag the run loop reads), running jobs are left alone, once', () => {
    const { ctx, events, control, jobs } = setup();
    control.requestDrain('test');
    control.requestDrain('again');
    expect(ctx.state.drainRequested).to.equal(true);
    expect(types(events)).to.deep.equal(['StopRequested']);
    expect(events[0].data).to.deep.equal({ mode: 'drain', reason: 'test' });
    expect(jobs.map((j) => j.calls)).to.deep.equal([[], []]);
  });

  it('the job cap and the bandwidth: checked, applied, and an event when a front end asked', () => {
    const { ctx, events, control } = setup();
    expect(() => control.setMaxConcurrentJobs(0)).to.throw(RangeError, /integer >= 1, got 0/);
    expect(() => control.setMaxConcurrentJobs(1.5)).to.throw(RangeError);
    control.setMaxConcurrentJobs(7, 'dashboard');
    control.setMaxConcurrentJobs(8);
    control.setBandwidthMbps(8, 'cli');
    expect(control.controlSettings()).to.deep.equal({ maxConcurrentJobs: 8, bandwidthBytesPerSec: 1_000_000 });
    expect(ctx.settings.maxConcurrentJobs).to.equal(8);
    expect(events.map((e) => e.data)).to.deep.equal([
      { command: 'set-concurrency', argument: 7, source: 'dashboard' },
      { command: 'set-bandwidth', argument: 8, source: 'cli' },
    ]);
  });
});
