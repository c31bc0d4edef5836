import pino from 'pino';
import type { Chunk, Chunker, Copier, CopyJob, CopyProgress, CopyResult, RunEvent, Scanner } from '../../../src/api';
import { emptyStats } from '../../../src/api';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { RunContext, type OrchestratorDeps } from '../../../src/orchestrator/run-context';
import type { ActiveJob } from '../../../src/orchestrator/types';

/** A job whose progress, end and kill the test drives by hand. */
export class HandJob implements CopyJob {
  readonly startedAt = new Date();
  readonly done: Promise<CopyResult>;
  current: CopyProgress = { bytesCopied: 0, filesCopied: 0 };
  readonly calls: string[] = [];
  private finish!: (r: CopyResult) => void;
  /** When set, kill() rejects with it (and the job lives on). */
  killError?: Error;

  constructor(readonly chunk: Chunk) {
    this.done = new Promise((resolve) => { this.finish = resolve; });
  }

  progress(): CopyProgress { return { ...this.current }; }
  onProgress(): () => void { return () => undefined; }
  end(r: CopyResult): void { this.finish(r); }
  async kill(): Promise<void> {
    this.calls.push('kill');
    if (this.killError) throw this.killError;
    this.finish({ ...result('Error'), killed: true });
  }
  suspend(): void { this.calls.push('suspend'); }
  resume(): void { this.calls.push('resume'); }
}

export function result(severity: 'Success' | 'Warning' | 'Error' | 'Fatal', shouldRetry = true, message = `${severity} result`): CopyResult {
  return { exitCode: severity === 'Success' ? 0 : 8, exitMeaning: { severity, shouldRetry, message }, stats: emptyStats(), errors: [], durationMs: 5, killed: false };
}

/** A hand clock: epoch ms the test sets. */
export function handClock(start = 1_000_000): { now: () => number; set(t: number): void; advance(ms: number): void } {
  let t = start;
  return { now: () => t, set: (v) => { t = v; }, advance: (ms) => { t += ms; } };
}

/** A RunContext over made-up paths, its events recorded; `copier` answers every engine. */
export function makeContext(over: Partial<OrchestratorDeps> = {}, copier?: Copier): { ctx: RunContext; events: RunEvent[] } {
  const bus = new EventBus('part-test');
  const events: RunEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const scanner: Scanner = { scan: () => Promise.reject(new Error('not used')) };
  const chunker: Chunker = { plan: () => [] };
  const fallback: Copier = { name: 'hand', capabilities: { suspend: true, liveBandwidth: false, mirror: true, dryRun: true, liveProgress: true }, start: (c) => new HandJob(c) };
  const ctx = new RunContext({ bus, scanner, chunker, copierFor: () => copier ?? fallback, logger: pino({ level: 'silent' }), guardChunkRoots: false, ...over });
  return { ctx, events };
}

/** Puts `job` in the active set as a running attempt of its chunk. */
export function activate(ctx: RunContext, id: number, job: HandJob, startedAt: number, retryCount = 0): ActiveJob {
  const active: ActiveJob = { id, job, chunk: job.chunk, retryCount, attempt: retryCount + 1, startedAt };
  ctx.state.activeJobs.set(id, active);
  return active;
}
