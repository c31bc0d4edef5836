import { capabilitiesOf } from './copier-capabilities';
import type { JobLifecycle } from './job-lifecycle';
import type { ProgressTracker } from './progress-tracker';
import type { RunContext } from './run-context';

/**
 * Control of a running run, whoever asks (API, signals and keys, the commands table): pause
 * (with suspend where the engine declares it) and its time limit, resume, drain, stop (kill every
 * running job's process tree), job cap and bandwidth. Every applied command is an event.
 */
export class RunControl {
  private pausedAt?: number;
  private pauseTimer?: NodeJS.Timeout;
  private stopping?: Promise<void>;

  constructor(private readonly ctx: RunContext, private readonly jobs: JobLifecycle, private readonly progress: ProgressTracker) {}

  /**
   * Kills every running job (whole process trees) and empties the active set. Never rejects: a
   * kill that fails does not spare the other jobs, and is reported (log and Warning event) with
   * the chunk it concerns, so the run still ends as Stopped instead of hanging in Replicating.
   */
  stopAllJobs(): Promise<void> {
    if (this.stopping) return this.stopping;
    const { state: s, deps } = this.ctx;
    const jobs = [...s.activeJobs.values()];
    this.stopping = (async () => {
      this.ctx.scanAbort?.abort();
      const kills = await Promise.allSettled(jobs.map(async (a) => a.job.kill()));
      kills.forEach((k, i) => {
        const a = jobs[i];
        if (k.status === 'fulfilled') { deps.logger.warn({ chunkId: a.chunk.id }, `killed chunk ${a.chunk.id}`); return; }
        const message = `could not kill the job of chunk ${a.chunk.id} (${a.chunk.sourcePath})${a.job.pid ? `, pid ${a.job.pid}` : ''}: ${(k.reason as Error)?.message ?? String(k.reason)}; it may still be running`;
        deps.logger.error({ chunkId: a.chunk.id, err: k.reason }, message);
        deps.bus.emit('Warning', { profile: s.currentProfile?.name, code: 'KILL_FAILED', message });
      });
      // Only jobs that died settle their `done`: one that survived its kill would hold the stop up.
      await this.jobs.bookKilledAttempts(jobs.filter((_, i) => kills[i].status === 'fulfilled'));
      s.activeJobs.clear();
      this.ctx.bandwidth.clear();
      this.jobs.dropFinished();
      s.phase = 'Stopped';
      deps.bus.emit('Stopped', { queuedChunks: this.ctx.queue.size, killedJobs: jobs.length });
    })();
    return this.stopping;
  }

  /** Stop: nothing new starts, running jobs are killed, the run ends as Stopped. */
  requestStop(reason = 'requested'): void {
    const s = this.ctx.state;
    if (s.stopRequested) return;
    s.stopRequested = true;
    this.ctx.deps.bus.emit('StopRequested', { mode: 'stop', reason });
    if (s.suspended) this.requestResume();
    this.ctx.tick();
  }

  /** Drain: running jobs finish, nothing new starts, then the run ends as Stopped. */
  requestDrain(reason = 'requested'): void {
    const s = this.ctx.state;
    if (s.drainRequested || s.stopRequested) return;
    s.drainRequested = true;
    this.ctx.deps.bus.emit('StopRequested', { mode: 'drain', reason });
    this.ctx.scanAbort?.abort();
    this.ctx.dispatcher.withdrawWaiting?.((job) => this.jobs.withdraw(job));
    this.ctx.tick();
  }

  /** Pause: nothing new starts; with `suspend`, running jobs freeze where their engine can. */
  requestPause(opts: { suspend?: boolean } = {}): void {
    const { state: s, deps } = this.ctx;
    if (s.pauseRequested && (s.suspended || !opts.suspend)) return;
    s.pauseRequested = true;
    this.pausedAt ??= this.ctx.now();
    this.ctx.dispatcher.setPaused?.(true);
    if (opts.suspend) {
      if (this.engineCanSuspend()) for (const a of s.activeJobs.values()) a.job.suspend?.();
      s.suspended = true;
      this.progress.meter.pause();
    }
    deps.bus.emit('Paused', { suspend: Boolean(opts.suspend), activeJobs: s.activeJobs.size });
    const limit = deps.pauseTimeout;
    if (limit && limit.ms > 0 && !this.pauseTimer) {
      this.pauseTimer = setTimeout(() => this.pauseTimedOut(limit.action), limit.ms);
      // The run's tick timer holds the loop while a run is pending; this one must not outlive it.
      this.pauseTimer.unref();
    }
  }

  /** Undoes a pause (and thaws suspended jobs). */
  requestResume(): void {
    const { state: s, deps } = this.ctx;
    if (!s.pauseRequested) return;
    if (this.pauseTimer) { clearTimeout(this.pauseTimer); this.pauseTimer = undefined; }
    if (s.suspended) {
      if (this.engineCanSuspend()) for (const a of s.activeJobs.values()) a.job.resume?.();
      s.suspended = false;
      this.progress.meter.resume();
    }
    s.pauseRequested = false;
    this.ctx.dispatcher.setPaused?.(false);
    const pausedMs = this.pausedAt !== undefined ? this.ctx.now() - this.pausedAt : 0;
    this.pausedAt = undefined;
    deps.bus.emit('Resumed', { activeJobs: s.activeJobs.size, pausedMs });
    this.ctx.tick();
  }

  /** Changes the job cap while running; new jobs start on the next tick. */
  setMaxConcurrentJobs(n: number, source?: string): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`maxConcurrentJobs must be an integer >= 1, got ${n}`);
    this.ctx.settings.maxConcurrentJobs = n;
    // Attempts over the new cap that wait on another host must not begin either.
    const over = this.ctx.state.activeJobs.size - n;
    if (over > 0) this.ctx.dispatcher.withdrawWaiting?.((job) => this.jobs.withdraw(job), over);
    if (source) this.ctx.deps.bus.emit('CommandApplied', { command: 'set-concurrency', argument: n, source });
    this.ctx.tick();
  }

  /**
   * Sets one bandwidth budget (Mbit/s, 0 = unlimited) for the rest of the run, re-divided among
   * running jobs at once where their engine can change it live, and applied to every new job.
   */
  setBandwidthMbps(mbps: number, source = 'api'): void {
    this.ctx.bandwidth.set(mbps);
    this.ctx.redistributeBandwidth();
    this.ctx.deps.bus.emit('CommandApplied', { command: 'set-bandwidth', argument: mbps, source });
  }

  /** The live settings a front end shows next to its controls. */
  controlSettings(): { maxConcurrentJobs: number; bandwidthBytesPerSec: number } {
    const profile = this.ctx.state.currentProfile;
    return { maxConcurrentJobs: this.ctx.settings.maxConcurrentJobs, bandwidthBytesPerSec: profile ? this.ctx.bandwidth.budgetFor(profile) : 0 };
  }

  /** Whether the running profile's engine declares suspend/resume (its capabilities, never a probe). */
  private engineCanSuspend(): boolean {
    const profile = this.ctx.state.currentProfile;
    if (!profile) return false;
    try { return capabilitiesOf(this.ctx.deps.copierFor(profile.engine)).suspend; } catch { return false; }
  }

  /** A forgotten pause must not hold a nightly run (and its snapshot) forever. */
  private pauseTimedOut(action: 'resume' | 'stop'): void {
    const { state, deps } = this.ctx;
    this.pauseTimer = undefined;
    if (!state.pauseRequested) return;
    const secs = Math.round((deps.pauseTimeout?.ms ?? 0) / 1000);
    deps.logger.warn({}, `pause lasted longer than ${secs} s: ${action === 'stop' ? 'stopping' : 'resuming'} the run`);
    deps.bus.emit('Warning', { profile: state.currentProfile?.name, code: 'PAUSE_TIMEOUT', message: `pause lasted longer than ${secs} s (global.pauseTimeoutSeconds); ${action === 'stop' ? 'stopping' : 'resuming'} (global.pauseTimeoutAction)` });
    if (action === 'stop') this.requestStop('pause timeout');
    else this.requestResume();
  }
}
