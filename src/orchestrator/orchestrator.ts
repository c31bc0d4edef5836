import * as os from 'node:os';
import type { Chunk, CopyResult, ProfileSummary } from '../api';
import { outcomeCode } from './outcome-code';
import type { ProfileConfig } from '../config/types';
import { destinationUnwritable, freeSpaceVerdict, PreflightError, sourceUnreadable } from './preflight';
import type { ChunkQueue } from './chunk-queue';
import { finalizeSplitDirectories } from './finalize-split-dirs';
import { linkHardLinkGroups } from './link-pass';
import { preserveForRun, profileScanOptions } from './preserve-for-run';
import { probeDestinationCase } from './copy-options';
import { sessionOutcome, summarizeProfile } from './profile-summary';
import { MirrorRefusedError } from './mirror-guard';
import { JobLifecycle } from './job-lifecycle';
import { ProgressTracker } from './progress-tracker';
import { RunContext, ProfileRun, type OrchestratorDeps } from './run-context';
import { RunControl } from './run-control';
import type { ActiveJob, OrchestrationState, OrchestrationStatus, RunOptions, RunSummary } from './types';

export type { OrchestratorDeps } from './run-context';

/**
 * The job orchestration layer: runs profiles one after another; per profile snapshot → scan →
 * chunk → a queue worked by at most maxConcurrentJobs copy jobs, with retries, pause/resume,
 * drain and stop; every state change is an event on the bus.
 *
 * This file is the run loop and the profile transitions; the other parts, each with the state it
 * owns, are job-lifecycle.ts (start, complete, retry, fail, per-chunk commands), run-control.ts
 * (pause, suspend, timeout, drain, stop, cap, bandwidth) and progress-tracker.ts (progress and
 * ETA). What they share is a RunContext (run-context.ts).
 *
 * Completion is event-driven: a job's `done` schedules a tick the moment it resolves. A timer
 * tick additionally refreshes progress and releases retries whose backoff has passed.
 */
export class Orchestrator {
  readonly state: OrchestrationState;
  readonly queue: ChunkQueue;
  private readonly ctx: RunContext;
  private readonly progress: ProgressTracker;
  private readonly jobs: JobLifecycle;
  private readonly control: RunControl;

  constructor(private readonly deps: OrchestratorDeps) {
    this.ctx = new RunContext(deps);
    this.state = this.ctx.state;
    this.queue = this.ctx.queue;
    this.progress = new ProgressTracker(this.ctx);
    this.jobs = new JobLifecycle(this.ctx, this.progress);
    this.control = new RunControl(this.ctx, this.jobs, this.progress);
    this.ctx.tick = () => this.tick();
  }

  /** Runs every profile in order and returns the session's summary; never throws for run failures. */
  async startReplicationRun(profiles: ProfileConfig[], opts: RunOptions = {}): Promise<RunSummary> {
    const { ctx } = this;
    const s = this.state;
    ctx.settings = { maxConcurrentJobs: opts.maxConcurrentJobs ?? 4, dryRun: opts.dryRun ?? false, resume: opts.resume ?? true, onlyChunks: opts.onlyChunks, callbacks: opts };
    const { dryRun } = ctx.settings;
    ctx.rails.beginRun({ allowMassDelete: opts.allowMassDelete, dryRun, onDeletion: opts.onDeletion });
    // A journal that can record nothing more (its disk full) stops the run, the profile under
    // way ending with that error (exit 4): what it copied from then on could not be resumed. On
    // the next turn: the failure may surface inside a tick (a flush of chunk results).
    let ended = false;
    let stateFailure: string | undefined;
    ctx.journal.onWriteFailure = (message) => {
      if (ended) return; // the run's end not recorded: its outcome and exit code stand (the error is logged)
      stateFailure ??= message;
      if (ctx.profileRun && !ctx.profileRun.error) ctx.profileRun.error = message;
      setImmediate(() => { if (!ended) this.requestStop('the state database cannot be written'); });
    };
    s.profiles = profiles;
    s.startTime = ctx.now();
    ctx.journal.beginRun({ sessionId: s.sessionId, profiles: profiles.map((p) => p.name), dryRun });
    this.deps.bus.emit('SessionStart', {
      profiles: profiles.map((p) => p.name), host: os.hostname(), user: safeUser(), version: this.deps.version ?? '0.0.0',
      dryRun, maxConcurrentJobs: ctx.settings.maxConcurrentJobs,
    });
    // Not unref()'d: from here to SessionEnd this timer holds the event loop, so a run whose only
    // work left is a retry waiting out its backoff (or a pause) never ends by the loop running dry.
    const timer = setInterval(() => this.tick(), opts.tickIntervalMs ?? 500);
    const summaries: ProfileSummary[] = [];
    const sizing = this.progress.startSizing(profiles);
    try {
      // After the session is recorded (journal.beginRun): orphans are snapshots of sessions that ended or died.
      await this.deps.snapshots?.cleanupOrphans();
      for (let i = 0; i < profiles.length; i++) {
        if (s.stopRequested || s.drainRequested) break;
        s.profileIndex = i;
        const summary = await this.runProfile(profiles[i]);
        summaries.push(summary);
        ctx.settings.callbacks.onProfileComplete?.(summary);
      }
    } finally {
      clearInterval(timer);
      sizing.abort.abort();
      await sizing.done;
    }
    // A drain that let every chunk of every profile finish ends the run as if undisturbed.
    const stopped = s.stopRequested || (s.drainRequested && summaries.length < profiles.length);
    // Also when the failure came as a profile ended (its summary made without it): Error, not Stopped.
    const outcome = stateFailure !== undefined ? 'Error' : sessionOutcome(summaries, stopped);
    s.phase = stopped ? 'Stopped' : outcome === 'Error' || outcome === 'Failed' ? 'Failed' : 'Complete';
    const durationMs = ctx.now() - s.startTime;
    const exitCode = outcomeCode(outcome);
    this.deps.bus.emit('SessionEnd', {
      outcome, exitCode, durationMs,
      filesCopied: summaries.reduce((a, p) => a + p.filesCopied, 0),
      bytesCopied: summaries.reduce((a, p) => a + p.bytesCopied, 0),
      chunksFailed: summaries.reduce((a, p) => a + p.chunksFailed, 0),
      profiles: summaries,
    });
    ended = true;
    ctx.journal.endRun({ outcome, exitCode });
    return { sessionId: s.sessionId, outcome, profiles: summaries, durationMs, dryRun };
  }

  /** One profile from snapshot to its summary; the snapshot is released whatever happens. */
  private async runProfile(profile: ProfileConfig): Promise<ProfileSummary> {
    const { ctx } = this;
    const finished = new Promise<void>((resolve) => { ctx.profileDone = resolve; });
    try {
      const started = await this.startProfileReplication(profile);
      if (started) await finished;
      const run = ctx.profileRun!;
      run.ranToEnd = started && !this.state.stopRequested && this.queue.size === 0;
      await ctx.rails.settle();
      if (run.ranToEnd && run.plannedChunks.length > 0) await this.finalPass(profile, run);
    } catch (err) {
      const run = ctx.profileRun!;
      if (err instanceof MirrorRefusedError) {
        run.refusal = err.message;
        this.deps.logger.error({ profile: profile.name }, err.message);
      } else if (!this.state.stopRequested && !this.state.drainRequested) {
        // A scan aborted by stop or drain is a stop, not a profile failure.
        run.error = (err as Error)?.message ?? String(err);
        this.deps.logger.error(err instanceof PreflightError ? { profile: profile.name } : { err, profile: profile.name }, `profile ${profile.name} failed: ${run.error}`);
      }
      if (this.state.activeJobs.size > 0) await this.stopAllJobs();
    } finally {
      await this.deps.snapshots?.end(profile);
      this.state.snapshot = undefined;
    }
    return this.completeCurrentProfile(profile);
  }

  /** After every chunk: hard links across chunks, then the split directories' own pass (mirror deletions, attributes). */
  private async finalPass(profile: ProfileConfig, run: ProfileRun): Promise<void> {
    const { dryRun } = this.ctx.settings;
    // Hard links across chunks first: the names it links exist in the source, so the final
    // pass's mirror deletions never see them as extras.
    if (run.preserve && this.state.tree?.hardLinks) {
      const links = await linkHardLinkGroups(profile, run.sourceRoot, run.plannedChunks, this.state.tree.hardLinks, {
        dryRun, logger: this.deps.logger, preserve: run.preserve,
        engineLinksWithinChunk: this.deps.copierFor(profile.engine).capabilities.preserve?.hardLinks === true,
      });
      run.replicaProblems.push(...links.problems.map((p) => `hard links: ${p}`));
    }
    const fin = await finalizeSplitDirectories(profile, run.sourceRoot, run.plannedChunks, { dryRun, logger: this.deps.logger, destinationCase: run.destinationCase, deletions: this.ctx.rails.finalPass(profile), preserve: run.preserve });
    run.finalExtrasRemoved = fin.extrasRemoved.length;
    run.replicaProblems.push(...fin.problems.map((p) => `finalize: ${p}`));
    run.refusal = this.ctx.rails.finalPassRefusal(profile);
  }

  /**
   * Validates paths, snapshots, scans (from the snapshot when there is one), chunks, fills the
   * queue and starts processing. Returns false when there is nothing to process.
   */
  async startProfileReplication(profile: ProfileConfig): Promise<boolean> {
    const { ctx } = this;
    const s = this.state;
    const { dryRun } = ctx.settings;
    this.resetProfileState(profile);
    const run = ctx.profileRun!;
    this.deps.bus.emit('ProfileStart', {
      profile: profile.name, index: s.profileIndex, source: profile.source, destination: profile.destination,
      engine: profile.engine, mirror: profile.mirror,
    });
    this.deps.copierFor(profile.engine); // fails the profile now, not chunk by chunk, for an unknown engine
    // Out of the previous profile's Replicating before anything awaits: a tick meanwhile would
    // find "nothing queued, nothing running" and end this profile before it started.
    s.phase = 'Scanning';
    await this.preflightPaths(profile);
    let sourceRoot = profile.source;
    if (profile.snapshot) {
      s.phase = 'Snapshot';
      if (!this.deps.snapshots) throw new Error(`profile ${profile.name} has a snapshot configured, but this run has no snapshot support`);
      const taken = await this.deps.snapshots.begin(profile);
      s.snapshot = taken.snapshot;
      sourceRoot = taken.sourceRoot;
    }
    if (s.stopRequested) return false;
    s.phase = 'Scanning';
    ctx.scanAbort = new AbortController();
    ctx.rails.probeSource(profile);
    const tree = await this.deps.scanner.scan(sourceRoot, { ...profileScanOptions(profile, this.deps.copierFor(profile.engine)), signal: ctx.scanAbort.signal });
    s.tree = tree;
    run.scanErrors = tree.errors.length;
    for (const e of tree.errors.slice(0, 20)) this.deps.logger.warn({ profile: profile.name, ...e }, `scan: cannot read ${e.relPath || '.'}: ${e.code}`);
    const planned = this.deps.chunker.plan(tree, profile.chunking, {
      profile: profile.name, sourceRoot, destinationRoot: profile.destination, windowsPaths: profile.windowsPaths,
    });
    run.plannedChunks = planned;
    if (tree.compared) {
      const unchanged = planned.filter((c) => c.kind === 'tree' && tree.unchanged?.has(c.relPath)).length;
      this.deps.logger.debug({ profile: profile.name, ...tree.compared, unchangedChunks: unchanged },
        `scan: ${tree.compared.same} of ${tree.compared.tried} directories compared with the destination up to date; ${unchanged} of ${planned.length} chunk(s) unchanged`);
    }
    run.sourceRoot = sourceRoot;
    const only = ctx.settings.onlyChunks?.get(profile.name);
    const chunks = only ? planned.filter((c) => only.has(c.id)) : planned;
    if (only && chunks.length < only.size) {
      this.deps.logger.warn({ profile: profile.name }, `${only.size - chunks.length} chunk(s) to retry are no longer in the plan (the tree changed); run the whole profile to cover them`);
    }
    this.deps.bus.emit('ScanComplete', {
      profile: profile.name, root: sourceRoot, dirs: tree.rootNode.totalDirs, files: tree.rootNode.totalFiles,
      bytes: tree.rootNode.totalBytes, errors: tree.errors.length, skippedLinks: tree.skippedLinks.length,
      chunks: chunks.length, durationMs: tree.durationMs,
    });
    if (s.stopRequested) return false;
    const { completedChunkIds } = ctx.journal.beginProfile(profile, chunks, { resume: ctx.settings.resume && !dryRun, dryRun });
    // Mirror rails (may throw MirrorRefusedError) and the resume's check of the destination.
    const stillDone = await ctx.rails.beforeQueue(profile, { sourceRoot, tree, chunks, completedChunkIds });
    if (s.stopRequested) return false;
    const space = await freeSpaceVerdict(profile, chunks.filter((c) => !stillDone.has(c.id)), this.deps.scanner, dryRun, ctx.scanAbort.signal);
    if (space) {
      this.deps.logger[space.refuse ? 'error' : 'warn']({ profile: profile.name }, space.message);
      this.deps.bus.emit('Warning', { profile: profile.name, code: 'PREFLIGHT_FREE_SPACE', message: space.message });
      if (space.refuse) { run.refusal = space.message; return false; }
    }
    // Only now: the probes may create (and remove) a file in the destination root, which a
    // refused mirror must not see touched, nor the resume check take for a changed destination.
    run.destinationCase = await probeDestinationCase(profile, dryRun, this.deps.logger);
    const kept = preserveForRun(profile, this.deps.copierFor(profile.engine), this.deps.logger);
    run.preserve = kept.preserve;
    run.replicaProblems.push(...kept.problems);
    this.initQueue(profile, chunks, stillDone);
    s.phase = 'Replicating';
    ctx.redistributeBandwidth();
    this.tick();
    return true;
  }

  /** Pre-flight (preflight.ts): a source that cannot be read or a destination that cannot be written fails the profile before anything starts. */
  private async preflightPaths(profile: ProfileConfig): Promise<void> {
    const problem = (await sourceUnreadable(profile.source)) ?? (await destinationUnwritable(profile.destination));
    if (!problem) return;
    this.deps.bus.emit('Warning', { profile: profile.name, code: 'PREFLIGHT_PATHS', message: problem });
    throw new PreflightError(problem);
  }

  /** Fills the queue with `chunks` (largest first, as planned), skipping those already done. */
  initQueue(profile: ProfileConfig, chunks: Chunk[], alreadyDone: Set<string> = new Set()): void {
    const s = this.state;
    if (s.currentProfile !== profile) this.resetProfileState(profile);
    s.phase = 'Replicating';
    s.totalChunks = chunks.length;
    s.totalBytes = chunks.reduce((a, c) => a + c.estimatedBytes, 0);
    s.totalFiles = chunks.reduce((a, c) => a + c.estimatedFiles, 0);
    const now = this.ctx.now();
    for (const chunk of this.deps.eta?.orderChunks(profile, chunks) ?? chunks) {
      if (alreadyDone.has(chunk.id)) {
        s.skippedChunks.push(chunk);
        s.completedCount++;
        this.progress.chunkFinished(chunk);
      } else {
        this.queue.enqueue({ chunk, retryCount: 0, notBefore: now }, now);
      }
    }
  }

  private resetProfileState(profile: ProfileConfig): void {
    const s = this.state;
    this.progress.profileStarted();
    s.currentProfile = profile;
    s.profileStartTime = this.ctx.now();
    s.completedChunks = []; s.failedChunks = []; s.skippedChunks = [];
    s.totalChunks = 0; s.completedCount = 0; s.totalBytes = 0; s.bytesComplete = 0; s.totalFiles = 0; s.filesComplete = 0;
    s.snapshot = undefined; s.tree = undefined;
    this.ctx.profileRun = new ProfileRun(profile);
    this.queue.clear();
  }

  /**
   * Honours stop and pause; collects finished jobs; starts new jobs while below the cap;
   * completes the profile when queue and active set are empty; refreshes progress.
   */
  tick(): void {
    const s = this.state;
    if (s.stopRequested) {
      void this.stopAllJobs().then(() => this.resolveProfile());
      return;
    }
    this.jobs.collectFinished();
    const settings = this.ctx.settings;
    if (s.phase === 'Replicating' && !s.pauseRequested && !s.drainRequested && !this.ctx.profileRun?.breaker.tripped) {
      while (s.activeJobs.size < settings.maxConcurrentJobs) {
        const share = this.ctx.bandwidth.shareForStart(s.currentProfile!, settings.maxConcurrentJobs - s.activeJobs.size, settings.maxConcurrentJobs);
        if (share.wait) break;
        const next = this.queue.dequeue(this.ctx.now());
        if (!next) break;
        this.jobs.startChunkJob(next, share.bytesPerSec);
      }
    }
    this.maybeCompleteProfile();
    this.progress.update();
  }

  private maybeCompleteProfile(): void {
    const s = this.state;
    if (s.phase !== 'Replicating' || s.activeJobs.size > 0 || this.jobs.uncollected > 0) return;
    const nothingLeft = this.queue.size === 0;
    if (nothingLeft || s.stopRequested || s.drainRequested) this.resolveProfile();
  }

  private resolveProfile(): void {
    const done = this.ctx.profileDone;
    this.ctx.profileDone = undefined;
    done?.();
  }

  private completeCurrentProfile(profile: ProfileConfig): ProfileSummary {
    const s = this.state;
    const run = this.ctx.profileRun!;
    const base = summarizeProfile({
      profile: profile.name, completed: s.completedChunks, failed: s.failedChunks, skipped: s.skippedChunks.length,
      totals: [...run.ledger.all()].map(([, t]) => t),
      totalChunks: s.totalChunks, bytesTotal: s.totalBytes, durationMs: this.ctx.now() - (s.profileStartTime ?? this.ctx.now()),
      stopped: s.stopRequested || this.queue.size > 0 || (s.drainRequested && !run.ranToEnd), error: run.error, scanErrors: run.scanErrors,
      extrasRemoved: run.finalExtrasRemoved, refused: run.refusal, replicaProblems: run.replicaProblems, circuitBreaker: run.breaker.tripped,
    });
    const summary = this.deps.verifier?.summarize(base) ?? base;
    this.ctx.rails.profileFinished(profile, summary);
    this.progress.profileEnded();
    this.deps.bus.emit('ProfileComplete', summary);
    this.ctx.journal.endProfile(summary);
    return summary;
  }

  // Job lifecycle and retries (job-lifecycle.ts).

  /** Records a finished job: status, log line, ChunkComplete event; failures go on to retry logic. */
  completeJob(active: ActiveJob, result: CopyResult): CopyResult { return this.jobs.completeJob(active, result); }
  /** Retries a failed chunk (with backoff) while attempts remain and the failure is retryable; else fails it for good. */
  handleFailedChunk(active: ActiveJob, result: CopyResult): void { this.jobs.handleFailedChunk(active, result); }
  /** A chunk failed for good, or waiting out a retry backoff, runs next (retry-chunk). */
  retryChunk(chunkId: string, source = 'api'): void { this.jobs.retryChunk(chunkId, source); }
  /** A queued chunk is not copied in this run; it counts as failed (skip-chunk). */
  skipChunk(chunkId: string, source = 'api'): void { this.jobs.skipChunk(chunkId, source); }

  // Control (run-control.ts).

  /** Kills every running job (whole process trees) and empties the active set; never rejects. */
  stopAllJobs(): Promise<void> { return this.control.stopAllJobs(); }
  requestStop(reason = 'requested'): void { this.control.requestStop(reason); }
  requestDrain(reason = 'requested'): void { this.control.requestDrain(reason); }
  requestPause(opts: { suspend?: boolean } = {}): void { this.control.requestPause(opts); }
  requestResume(): void { this.control.requestResume(); }
  setMaxConcurrentJobs(n: number, source?: string): void { this.control.setMaxConcurrentJobs(n, source); }
  setBandwidthMbps(mbps: number, source = 'api'): void { this.control.setBandwidthMbps(mbps, source); }
  controlSettings(): { maxConcurrentJobs: number; bandwidthBytesPerSec: number } { return this.control.controlSettings(); }

  // Progress and ETA (progress-tracker.ts).

  /** The current picture of the run. */
  getStatus(): OrchestrationStatus { return this.progress.status(); }
}

function safeUser(): string {
  try { return os.userInfo().username; } catch { return process.env.USER ?? process.env.USERNAME ?? 'unknown'; }
}
