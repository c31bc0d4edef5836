import { expect } from 'chai';
import fc from 'fast-check';
import pino from 'pino';
import type { Chunk, Chunker, Copier, CopierCapabilities, CopyJob, CopyOptions, CopyProgress, CopyResult, RunEvent, Scanner } from '../../../src/api';
import { emptyStats } from '../../../src/api';
import { mbpsToBytesPerSec } from '../../../src/orchestrator/copy-options';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { Orchestrator } from '../../../src/orchestrator/orchestrator';
import { makeChunks, makeProfile } from '../../helpers/profiles';

const unusedScanner: Scanner = { scan: () => Promise.reject(new Error('not used')) };
const unusedChunker: Chunker = { plan: () => [] };
const settle = async (): Promise<void> => { for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r)); };

/** A job that runs until the test ends it, and remembers the rate it was given (and changed to). */
class HeldJob implements CopyJob {
  readonly startedAt = new Date();
  readonly done: Promise<CopyResult>;
  running = true;
  private end!: (r: CopyResult) => void;
  constructor(readonly chunk: Chunk, public rate: number, live: boolean) {
    this.done = new Promise((r) => { this.end = r; });
    if (live) this.setBandwidth = (bps: number) => { this.rate = bps; };
  }
  setBandwidth?: (bps: number) => void;
  progress(): CopyProgress { return { bytesCopied: 0, filesCopied: 0 }; }
  onProgress(): () => void { return () => undefined; }
  finish(): void {
    this.running = false;
    this.end({ exitCode: 0, exitMeaning: { severity: 'Success', shouldRetry: false, message: 'ok' }, stats: emptyStats(), errors: [], durationMs: 1, killed: false });
  }
  kill(): Promise<void> { if (this.running) this.finish(); return Promise.resolve(); }
}

/** An engine whose jobs take their rate at start (rsync, robocopy) or can change it live. */
class HeldCopier implements Copier {
  readonly name = 'held';
  readonly capabilities: CopierCapabilities;
  readonly jobs: HeldJob[] = [];
  /** The budget the test set, and what each fixed job's start left running (sum of rates). */
  budget = 0;
  readonly sumsAtStart: { sum: number; budget: number }[] = [];
  constructor(private readonly live: boolean) {
    this.capabilities = { suspend: false, liveBandwidth: live, mirror: true, dryRun: true, liveProgress: true };
  }
  start(chunk: Chunk, o: CopyOptions): CopyJob {
    const job = new HeldJob(chunk, o.bandwidthBytesPerSec ?? 0, this.live);
    const rateOf = (j: HeldJob): number => (j.rate > 0 ? j.rate : Infinity);
    if (!this.live) this.sumsAtStart.push({ sum: this.running().reduce((a, j) => a + rateOf(j), rateOf(job)), budget: this.budget });
    this.jobs.push(job);
    return job;
  }
  running(): HeldJob[] { return this.jobs.filter((j) => j.running); }
}

type Op = { kind: 'finish'; pick: number } | { kind: 'concurrency'; n: number } | { kind: 'bandwidth'; mbps: number };
const ops = fc.array(fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('finish' as const), pick: fc.nat(100) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('concurrency' as const), n: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bandwidth' as const), mbps: fc.integer({ min: 1, max: 1000 }) }) },
), { minLength: 1, maxLength: 80 });

function setUp(live: boolean, mbps: number, maxJobs: number, chunks: number) {
  const copier = new HeldCopier(live);
  copier.budget = bytesPerSec(mbps);
  const bus = new EventBus('bw-prop');
  const events: RunEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const orch = new Orchestrator({ bus, scanner: unusedScanner, chunker: unusedChunker, copierFor: () => copier, logger: pino({ level: 'silent' }), guardChunkRoots: false, globalBandwidthMbps: mbps });
  orch.initQueue(makeProfile('p', { engine: 'held' }), makeChunks('p', chunks));
  orch.setMaxConcurrentJobs(maxJobs);
  return { copier, orch, events };
}

const bytesPerSec = mbpsToBytesPerSec;

describe('bandwidth budget: the rates of running jobs never add up to more than the budget', () => {
  it('four fixed-rate jobs started together get a quarter each (not 1, ½, ⅓, ¼: 2.08× the budget)', async () => {
    const { copier, orch } = setUp(false, 80, 4, 10);
    expect(copier.running().map((j) => j.rate)).to.deep.equal([2_500_000, 2_500_000, 2_500_000, 2_500_000]);
    copier.running()[0].finish();
    await settle();
    // The one that replaced it gets what the finished one freed.
    expect(copier.running().map((j) => j.rate).reduce((a, b) => a + b)).to.equal(10_000_000);
    await orch.stopAllJobs();
  });

  it('a job started after the budget was lowered waits until the running fixed rates fit under it', async () => {
    const { copier, orch, events } = setUp(false, 80, 2, 10);
    expect(copier.running()).to.have.length(2);
    orch.setBandwidthMbps(8); // 1,000,000 B/s; the two running jobs hold 5,000,000 each
    copier.running()[0].finish();
    await settle();
    expect(copier.running()).to.have.length(1); // nothing started: 5,000,000 is still held
    copier.running()[0].finish();
    await settle();
    expect(copier.running().map((j) => j.rate)).to.deep.equal([500_000, 500_000]);
    const starts = events.filter((e) => e.type === 'ChunkStart').map((e) => (e.data as { bandwidthBytesPerSec?: number }).bandwidthBytesPerSec);
    expect(starts).to.deep.equal([5_000_000, 5_000_000, 500_000, 500_000]);
    await orch.stopAllJobs();
  });

  for (const live of [false, true]) {
    it(`property (${live ? 'live engine: re-divided' : 'fixed at start'}): over random finishes, concurrency and budget changes`, async () => {
      await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 8 }), ops, async (mbps0, max0, steps) => {
        const { copier, orch } = setUp(live, mbps0, max0, 60);
        let budget = bytesPerSec(mbps0);
        copier.budget = budget;
        let lowered = new Set<HeldJob>(); // jobs already running when the budget was last lowered
        const check = (): void => {
          const running = copier.running();
          const sum = running.reduce((a, j) => a + (j.rate > 0 ? j.rate : Infinity), 0);
          lowered = new Set(running.filter((j) => lowered.has(j)));
          // Fixed rates cannot be lowered: only jobs from before a lower budget may hold more.
          if (live || lowered.size === 0) expect(sum, `rates ${running.map((j) => j.rate).join('+')} > ${budget}`).to.be.at.most(budget);
          // A fixed job starts only when its rate fits under the budget with all the others'.
          for (const st of copier.sumsAtStart.splice(0)) expect(st.sum, 'rates at a start').to.be.at.most(st.budget);
          // Never stuck: with nothing running and work queued, something runs.
          if (orch.queue.size > 0) expect(running.length).to.be.above(0);
        };
        check();
        for (const op of steps) {
          if (op.kind === 'finish') {
            const running = copier.running();
            if (running.length > 0) running[op.pick % running.length].finish();
            await settle();
          } else if (op.kind === 'concurrency') {
            orch.setMaxConcurrentJobs(op.n);
          } else {
            const next = bytesPerSec(op.mbps);
            if (next < budget) lowered = new Set(copier.running());
            budget = next;
            copier.budget = next;
            orch.setBandwidthMbps(op.mbps);
          }
          check();
        }
        await orch.stopAllJobs();
      }), { numRuns: 150 });
    });
  }
});
