import { expect } from 'chai';
import { ProfileRun } from '../../../src/orchestrator/run-context';
import { ProgressTracker } from '../../../src/orchestrator/progress-tracker';
import { makeChunks, makeProfile } from '../../helpers/profiles';
import { activate, HandJob, handClock, makeContext } from './part-kit';

describe('orchestrator part: progress and ETA (ProgressTracker)', () => {
  function setup(journalBytes?: Record<string, number | undefined>) {
    const clock = handClock();
    const journal = journalBytes ? { expectedBytes: (p: string) => journalBytes[p] } : undefined;
    const { ctx, events } = makeContext({ now: clock.now, ...(journal ? { journal: journal as never } : {}) });
    const profile = makeProfile('p');
    ctx.state.currentProfile = profile;
    ctx.state.phase = 'Replicating';
    ctx.state.profiles = [profile, makeProfile('q'), makeProfile('r')];
    ctx.profileRun = new ProfileRun(profile);
    const chunks = makeChunks('p', 3, 1000);
    ctx.state.totalBytes = 3000;
    ctx.state.totalFiles = 30;
    const tracker = new ProgressTracker(ctx);
    return { ctx, events, clock, tracker, chunks };
  }

  it('counts finished chunks plus the live bytes of running ones, never more than a chunk\'s estimate, and never backwards', () => {
    const { ctx, tracker, chunks, clock } = setup();
    tracker.chunkFinished(chunks[0]);
    const job = new HandJob(chunks[1]);
    activate(ctx, 1, job, clock.now());
    job.current = { bytesCopied: 400, filesCopied: 4 };
    tracker.update();
    expect(ctx.state.bytesComplete).to.equal(1400);
    expect(ctx.state.filesComplete).to.equal(14);
    // A retry restarting at 0 (or an engine that recounts) does not move progress back.
    job.current = { bytesCopied: 100, filesCopied: 1 };
    tracker.update();
    expect(ctx.state.bytesComplete).to.equal(1400);
    // An engine counting more than the plan estimated is capped at the estimate.
    job.current = { bytesCopied: 5000, filesCopied: 50 };
    tracker.update();
    expect(ctx.state.bytesComplete).to.equal(2000);
    expect(ctx.state.filesComplete).to.equal(20);
  });

  it('a reopened chunk (retry-chunk of one failed for good) steps progress back by its estimate', () => {
    const { ctx, tracker, chunks } = setup();
    tracker.chunkFinished(chunks[0]);
    tracker.chunkFinished(chunks[1]);
    tracker.update();
    expect(ctx.state.bytesComplete).to.equal(2000);
    tracker.chunkReopened(chunks[1]);
    expect(ctx.state.bytesComplete).to.equal(1000);
    tracker.update();
    expect(ctx.state.bytesComplete).to.equal(1000);
  });

  it('sends a ChunkProgress event per running job every 5 s of its run, not at every update', () => {
    const { ctx, tracker, chunks, clock, events } = setup();
    const job = new HandJob(chunks[0]);
    activate(ctx, 7, job, clock.now());
    job.current = { bytesCopied: 10, filesCopied: 1 };
    const progressEvents = (): number => events.filter((e) => e.type === 'ChunkProgress').length;
    tracker.update();
    clock.advance(4999);
    tracker.update();
    expect(progressEvents()).to.equal(0);
    clock.advance(1);
    tracker.update();
    expect(progressEvents()).to.equal(1);
    clock.advance(4000);
    tracker.update();
    expect(progressEvents()).to.equal(1);
    clock.advance(1000);
    tracker.update();
    expect(progressEvents()).to.equal(2);
    expect(events.find((e) => e.type === 'ChunkProgress')!.data).to.deep.equal({ profile: 'p', chunkId: chunks[0].id, bytesCopied: 10, filesCopied: 1 });
  });

  it('an ended profile\'s bytes count once in the overall figures: in its own until the next profile starts, then in the overall ones', () => {
    const { ctx, tracker, chunks } = setup();
    for (const c of chunks) tracker.chunkFinished(c);
    tracker.update();
    tracker.profileEnded();
    expect(tracker.status()).to.include({ bytesComplete: 3000, overallBytesComplete: 3000, overallBytesTotal: 3000 });
    // The next profile: its state starts at zero (the orchestrator resets it), the ended one is folded in.
    tracker.profileStarted();
    ctx.state.bytesComplete = 0;
    ctx.state.totalBytes = 500;
    ctx.state.profileIndex = 1;
    tracker.update();
    expect(tracker.status()).to.include({ bytesComplete: 0, overallBytesComplete: 3000, overallBytesTotal: 3500 });
    tracker.profileStarted(); // folding twice would double the totals
    expect(tracker.status()).to.include({ overallBytesComplete: 3000, overallBytesTotal: 3500 });
  });

  it('an overall ETA only when every later profile\'s size is known (its last run, or sized up front)', async () => {
    const measured = async (later: Record<string, number | undefined>): Promise<number | undefined> => {
      const { ctx, tracker, chunks, clock } = setup(later);
      // The scanner of these tests cannot size a profile up front: what the journal does not know stays unknown.
      await tracker.startSizing(ctx.state.profiles).done;
      const job = new HandJob(chunks[0]);
      activate(ctx, 1, job, clock.now());
      tracker.update();
      clock.advance(4000);
      job.current = { bytesCopied: 1000, filesCopied: 10 }; // 250 B/s
      tracker.update();
      const st = tracker.status();
      expect(st.etaSeconds, 'the profile\'s ETA').to.equal(8); // 2000 B left
      return st.overallEtaSeconds;
    };
    expect(await measured({ q: 1000, r: 500 })).to.equal(14); // 2000 + 1500 B at 250 B/s
    expect(await measured({ q: 1000, r: undefined })).to.equal(undefined);
  });
});
