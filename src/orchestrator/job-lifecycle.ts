import { emptyStats, type Chunk, type CopyJob, type CopyResult, type DirTree, type FileAction } from '../api';
import { fileReporter } from '../files-log/file-report';
import type { QueuedChunk } from './chunk-queue';
import { buildCopyOptions, chunkLogPath } from './copy-options';
import { reportFailedFiles } from './failed-file-report';
import { FailedFileCollector, filesOnlyWarning, nextAttemptScope, onlyFilesFailed, type FailedFile } from './file-retry';
import type { ProgressTracker } from './progress-tracker';
import type { RunContext } from './run-context';
import type { ActiveJob } from './types';

/** A result for a job that never ran (failure to start). */
function startFailure(err: unknown): CopyResult {
  return {
    exitCode: -1,
    exitMeaning: { severity: 'Error', shouldRetry: true, message: `failed to start: ${(err as Error)?.message ?? String(err)}` },
    stats: emptyStats(), errors: [], durationMs: 0, killed: false,
  };
}

/**
 * Job lifecycle and retries: starts a chunk's attempt through the dispatcher, collects it when
 * it ends (event-driven: its `done` schedules a tick), records it, and retries a failure with
 * backoff while attempts remain and the failure is retryable (only the failed files where the
 * engine can: file-retry.ts), else fails it for good (and counts it for the circuit breaker). Also the per-chunk commands retry-chunk and skip-chunk.
 */
export class JobLifecycle {
  private readonly finishedJobs: { active: ActiveJob; result: CopyResult }[] = [];
  private nextJobId = 1;
  /** Attempts taken back before they began (ChunkDispatcher.withdrawWaiting). */
  private readonly withdrawn = new WeakSet<CopyJob>();

  constructor(private readonly ctx: RunContext, private readonly progress: ProgressTracker) {}

  /** Jobs that ended and are not yet collected by a tick. */
  get uncollected(): number {
    return this.finishedJobs.length;
  }

  /** Records every job that ended since the last tick (in the order they ended). */
  collectFinished(): void {
    const { state: s, bandwidth, settings } = this.ctx;
    for (const f of this.finishedJobs.splice(0)) {
      s.activeJobs.delete(f.active.id);
      bandwidth.finished(f.active.id);
      this.progress.jobEnded(f.active.id);
      if (this.withdrawn.has(f.active.job)) { this.putBack(f.active); continue; }
      const result = this.completeJob(f.active, f.result);
      settings.callbacks.onChunkComplete?.(f.active, result);
    }
  }

  /** A drain or a lower job cap took `job` back before it began: when it settles, its chunk goes back to the queue, not to the retry logic. */
  withdraw(job: CopyJob): void {
    this.withdrawn.add(job);
  }

  /** A withdrawn attempt never ran: its chunk is Pending again, with the attempts it had, for a later run. */
  private putBack(active: ActiveJob): void {
    const { state: s, deps, queue } = this.ctx;
    this.ctx.journal.chunkWithdrawn?.(s.currentProfile!.name, active.chunk, active.attempt);
    queue.enqueueFront({ chunk: active.chunk, retryCount: active.retryCount, notBefore: 0, ...(active.onlyFiles ? { onlyFiles: active.onlyFiles } : {}) });
    deps.logger.info({ chunkId: active.chunk.id }, `chunk ${active.chunk.id}: attempt ${active.attempt} taken back before it began; the chunk is pending again`);
  }

  /** Forgets ended jobs not yet collected (a stop: stopAllJobs owns them). */
  dropFinished(): void {
    this.finishedJobs.splice(0);
  }

  startChunkJob(q: QueuedChunk, share: number): void {
    const { state: s, deps, settings } = this.ctx;
    const run = this.ctx.profileRun!;
    const profile = s.currentProfile!;
    const id = this.nextJobId++;
    const attempt = q.retryCount + 1;
    const logPath = chunkLogPath(deps.logDir, s.sessionId, q.chunk, attempt);
    deps.bus.emit('ChunkStart', {
      profile: profile.name, chunkId: q.chunk.id, kind: q.chunk.kind, source: q.chunk.sourcePath,
      destination: q.chunk.destinationPath, estimatedFiles: q.chunk.estimatedFiles, estimatedBytes: q.chunk.estimatedBytes, attempt,
      ...(share > 0 ? { bandwidthBytesPerSec: share } : {}),
      ...(q.onlyFiles ? { onlyFiles: q.onlyFiles.length } : {}),
    });
    this.ctx.journal.chunkStarted(profile.name, q.chunk, attempt, logPath);
    const failedFiles = new FailedFileCollector();
    const report = fileReporter(profile.name, q.chunk, settings.dryRun);
    let job;
    try {
      const roots = deps.guardChunkRoots === false ? undefined : { sourceRoot: run.sourceRoot, destinationRoot: profile.destination, windowsPaths: profile.windowsPaths };
      const options = {
        ...buildCopyOptions(profile, q.chunk, { dryRun: settings.dryRun, bandwidthBytesPerSec: share, logPath, logger: deps.logger, destinationCase: run.destinationCase, childLedger: deps.childLedger, preserve: run.preserve }),
        ...this.ctx.rails.copyOptions(profile, q.chunk),
        // The scan's digests (walk-once, issue #17); a file-only retry lists what it copies.
        ...(s.tree?.digests && !q.onlyFiles ? { sourceDigests: s.tree.digests, ...unchangedAtScan(s.tree, q.chunk) } : {}),
        onWarning: (code: string, message: string) => deps.bus.emit('Warning', { profile: profile.name, code, message }),
        onFileAction: (a: FileAction) => { failedFiles.note(a); settings.callbacks.onFileAction?.(report(a, this.ctx.now())); },
        // A file-only attempt never deletes: the chunk's extras were handled by its full attempt.
        ...(q.onlyFiles ? { onlyFiles: q.onlyFiles, mirror: false } : {}),
      };
      job = this.ctx.dispatcher.start({ sessionId: s.sessionId, profile, chunk: q.chunk, attempt, options, roots }, startFailure);
    } catch (err) {
      const active: ActiveJob = { id, job: undefined as never, chunk: q.chunk, retryCount: q.retryCount, attempt, startedAt: this.ctx.now(), logPath, onlyFiles: q.onlyFiles };
      deps.logger.warn({ chunkId: q.chunk.id, err }, `chunk ${q.chunk.id} failed to start`);
      this.finishedJobs.push({ active, result: startFailure(err) });
      this.ctx.scheduleTick();
      return;
    }
    const active: ActiveJob = { id, job, chunk: q.chunk, retryCount: q.retryCount, attempt, startedAt: this.ctx.now(), logPath, onlyFiles: q.onlyFiles, failedFiles };
    s.activeJobs.set(id, active);
    this.ctx.bandwidth.started(id, job, profile, share);
    this.ctx.redistributeBandwidth();
    const verifier = deps.verifier;
    void job.done.then((r) => (verifier && !this.withdrawn.has(job) ? verifier.afterCopy(profile, q.chunk, r, active.startedAt) : r)).then((result) => {
      if (s.stopRequested && result.killed) return; // stopAllJobs owns killed jobs
      this.finishedJobs.push({ active, result });
      this.ctx.scheduleTick();
    });
  }

  /** Records a finished job: status, log line, ChunkComplete event; failures go on to retry logic. */
  completeJob(active: ActiveJob, result: CopyResult): CopyResult {
    const { state: s, deps } = this.ctx;
    const profile = s.currentProfile!;
    const sev = result.exitMeaning.severity;
    const status = sev === 'Success' ? 'Complete' : sev === 'Warning' ? 'CompleteWithWarnings' : 'Failed';
    const durationMs = result.durationMs || this.ctx.now() - active.startedAt;
    const line = `chunk ${active.chunk.id} (${active.chunk.relPath || '.'}) ${status}: ${result.exitMeaning.message}`;
    this.bookAttempt(active, result);
    if (sev === 'Success') deps.logger.info({ chunkId: active.chunk.id, exitCode: result.exitCode }, line);
    else deps.logger.warn({ chunkId: active.chunk.id, exitCode: result.exitCode, errors: result.errors.slice(0, 5) }, line);
    deps.bus.emit('ChunkComplete', {
      profile: profile.name, chunkId: active.chunk.id, source: active.chunk.sourcePath, destination: active.chunk.destinationPath,
      exitCode: result.exitCode, severity: sev, filesCopied: result.stats.filesCopied, bytesCopied: result.stats.bytesCopied,
      durationMs, message: result.exitMeaning.message, attempt: active.attempt,
    });
    if (status === 'Failed') this.handleFailedChunk(active, result);
    else this.completeChunk(active, status, result);
    this.ctx.redistributeBandwidth();
    return result;
  }

  /** Records a chunk as done (with warnings: `failedFiles` are files still failing that the profile lets pass). */
  private completeChunk(active: ActiveJob, status: 'Complete' | 'CompleteWithWarnings', result: CopyResult, failedFiles?: FailedFile[]): void {
    const { state: s, deps } = this.ctx;
    const run = this.ctx.profileRun!;
    const profile = s.currentProfile!;
    s.completedChunks.push({ chunk: active.chunk, status, result, retryCount: active.retryCount, ...(failedFiles ? { failedFiles } : {}) });
    s.completedCount++;
    this.progress.chunkFinished(active.chunk);
    this.ctx.journal.chunkFinished(profile.name, active.chunk, status, result, active.attempt, run.ledger.get(active.chunk.id), failedFiles);
    if (failedFiles) reportFailedFiles(deps.bus, profile.name, active.chunk, failedFiles, active.attempt, 'Warning');
    this.ctx.rails.chunkCompleted(profile, active.chunk);
    run.breaker.chunkCompleted();
  }

  /** Adds one attempt's counts to its chunk's totals, in memory and in the journal. */
  private bookAttempt(active: Pick<ActiveJob, 'chunk' | 'attempt' | 'startedAt' | 'onlyFiles'>, result: CopyResult): void {
    const totals = this.ctx.profileRun!.ledger.add(active.chunk.id, result.stats, active.onlyFiles !== undefined);
    this.ctx.journal.attemptFinished?.(this.ctx.state.currentProfile!.name, active.chunk, { attempt: active.attempt, startedAt: active.startedAt, result, totals, ...(active.onlyFiles ? { onlyFiles: active.onlyFiles.length } : {}) });
  }

  /**
   * A stop kills running jobs; what they copied before they died was copied all the same and
   * counts (in the summary and in history), as an attempt that was killed.
   */
  async bookKilledAttempts(jobs: ActiveJob[]): Promise<void> {
    const results = await Promise.all(jobs.map((a) => a.job.done.then((r) => r, () => undefined)));
    const profile = this.ctx.state.currentProfile;
    jobs.forEach((a, i) => {
      const r = results[i];
      if (!r || !profile) return;
      // A stop right after a drain: an attempt the drain took back never ran, so it was not killed.
      if (this.withdrawn.has(a.job)) this.ctx.journal.chunkWithdrawn?.(profile.name, a.chunk, a.attempt);
      else this.bookAttempt(a, r);
    });
  }

  /** Retries a failed chunk (with backoff) while attempts remain and the failure is retryable; else fails it for good. */
  handleFailedChunk(active: ActiveJob, result: CopyResult): void {
    const { state: s, deps, queue } = this.ctx;
    const run = this.ctx.profileRun!;
    const profile = s.currentProfile!;
    const retryCount = active.retryCount + 1;
    const failed = active.failedFiles?.list() ?? [];
    if (retryCount < profile.retry.maxAttempts && result.exitMeaning.shouldRetry && !run.breaker.tripped) {
      const backoffMs = Math.min(profile.retry.backoffSeconds * 1000 * 2 ** (retryCount - 1), profile.retry.maxBackoffSeconds * 1000);
      const now = this.ctx.now();
      const scope = nextAttemptScope(deps.copierFor(profile.engine), active.chunk, result, failed);
      queue.enqueue({ chunk: active.chunk, retryCount, notBefore: now + backoffMs, lastExitCode: result.exitCode, lastMessage: result.exitMeaning.message, ...(scope.files ? { onlyFiles: scope.files } : {}) }, now);
      deps.logger.warn({ chunkId: active.chunk.id, onlyFiles: scope.files?.length }, `chunk ${active.chunk.id} failed, retrying (${retryCount}/${profile.retry.maxAttempts - 1}) in ${Math.round(backoffMs / 1000)} s: ${scope.files ? `only its ${scope.reason}` : `the whole chunk (${scope.reason})`}`);
      deps.bus.emit('ChunkRetry', {
        profile: profile.name, chunkId: active.chunk.id, source: active.chunk.sourcePath, retryCount,
        exitCode: result.exitCode, message: result.exitMeaning.message, backoffMs, ...(scope.files ? { onlyFiles: scope.files.length } : {}),
      });
      return;
    }
    if (profile.failedFilesSeverity === 'warning' && onlyFilesFailed(result, failed)) {
      this.completeChunk(active, 'CompleteWithWarnings', filesOnlyWarning(result, failed, active.attempt), failed);
      return;
    }
    this.failForGood(active.chunk, result, retryCount, active.attempt, failed.length > 0 ? failed : undefined);
    const tripped = run.breaker.chunkFailed(result.exitMeaning.message);
    if (tripped) this.tripProfile(tripped);
  }

  /** The circuit breaker stopped the profile: nothing new starts, retries waiting are dropped, running jobs finish. */
  private tripProfile(reason: string): void {
    const { state, queue, deps } = this.ctx;
    const profile = state.currentProfile!;
    const notRun = queue.size;
    queue.clear();
    const message = `${reason}; ${notRun} chunk(s) not attempted, ${state.activeJobs.size} running job(s) left to finish`;
    deps.logger.error({ profile: profile.name, notRun }, message);
    deps.bus.emit('Warning', { profile: profile.name, code: 'CIRCUIT_BREAKER', message });
  }

  /** Records a chunk as failed for good: counted, reported (ChunkError) and journaled. */
  private failForGood(chunk: Chunk, result: CopyResult, retryCount: number, attempt: number, failedFiles?: FailedFile[]): void {
    const { state: s, deps } = this.ctx;
    const profile = s.currentProfile!;
    s.failedChunks.push({ chunk, status: 'Failed', result, retryCount, ...(failedFiles ? { failedFiles } : {}) });
    s.completedCount++;
    this.progress.chunkFinished(chunk);
    deps.logger.error({ chunkId: chunk.id, exitCode: result.exitCode }, `chunk ${chunk.id} failed permanently after ${retryCount} attempt(s): ${result.exitMeaning.message}`);
    if (failedFiles) reportFailedFiles(deps.bus, profile.name, chunk, failedFiles, attempt, 'Error');
    deps.bus.emit('ChunkError', {
      profile: profile.name, chunkId: chunk.id, source: chunk.sourcePath, retryCount,
      exitCode: result.exitCode, message: result.exitMeaning.message,
    });
    this.ctx.journal.chunkFinished(profile.name, chunk, 'Failed', result, attempt, this.ctx.profileRun!.ledger.get(chunk.id), failedFiles);
  }

  /**
   * Per-chunk control (dashboard, `robocurse retry-chunk`): a chunk of the current profile that
   * failed for good gets one more attempt, and one waiting out a retry backoff stops waiting;
   * either way it runs next. Throws, saying why, for any other chunk.
   */
  retryChunk(chunkId: string, source: string): void {
    const { state: s, queue } = this.ctx;
    this.checkChunkControl(chunkId, 'retry');
    if (queue.items().some((q) => q.chunk.id === chunkId && q.retryCount === 0)) {
      throw new Error(`chunk ${chunkId} cannot be retried: it has not failed, it is waiting for its first attempt`);
    }
    let item = queue.remove(chunkId);
    if (!item) {
      const i = s.failedChunks.findIndex((f) => f.chunk.id === chunkId);
      if (i < 0) throw new Error(`chunk ${chunkId} cannot be retried: it is not failed or waiting for a retry in profile ${s.currentProfile!.name}`);
      const [failed] = s.failedChunks.splice(i, 1);
      s.completedCount--;
      this.progress.chunkReopened(failed.chunk);
      item = { chunk: failed.chunk, retryCount: failed.retryCount, notBefore: 0 };
    }
    queue.enqueueFront({ ...item, notBefore: this.ctx.now() });
    this.ctx.deps.bus.emit('CommandApplied', { command: 'retry-chunk', chunkId, source });
    this.ctx.tick();
  }

  /**
   * Per-chunk control (`robocurse skip-chunk`): a queued chunk of the current profile is not
   * copied in this run. It counts as failed (exit 1, listed, picked up by retry-failed), never
   * as done, so skipping can never hide data that was not copied.
   */
  skipChunk(chunkId: string, source: string): void {
    this.checkChunkControl(chunkId, 'skip');
    const item = this.ctx.queue.remove(chunkId);
    if (!item) throw new Error(`chunk ${chunkId} cannot be skipped: it is not waiting to run in profile ${this.ctx.state.currentProfile!.name}`);
    const message = `skipped on request (${source}): not copied in this run`;
    this.ctx.deps.bus.emit('CommandApplied', { command: 'skip-chunk', chunkId, source });
    const result: CopyResult = { exitCode: -1, exitMeaning: { severity: 'Error', shouldRetry: false, message }, stats: emptyStats(), errors: [], durationMs: 0, killed: false };
    this.failForGood(item.chunk, result, item.retryCount, item.retryCount);
    this.ctx.tick();
  }

  private checkChunkControl(chunkId: string, what: string): void {
    const s = this.ctx.state;
    if (s.phase !== 'Replicating' || !this.ctx.profileDone || !s.currentProfile) throw new Error(`chunk ${chunkId} cannot ${what}: no profile is copying now`);
    if (s.stopRequested || s.drainRequested) throw new Error(`chunk ${chunkId} cannot ${what}: the run is stopping`);
    if (this.ctx.profileRun?.breaker.tripped) throw new Error(`chunk ${chunkId} cannot ${what}: the circuit breaker stopped profile ${s.currentProfile.name}`);
    for (const a of s.activeJobs.values()) if (a.chunk.id === chunkId) throw new Error(`chunk ${chunkId} cannot ${what}: it is running`);
  }
}

/** A tree chunk whose whole subtree the scan found up to date in its copy (DirTree.unchanged). */
function unchangedAtScan(tree: DirTree, chunk: Chunk): { unchangedAtScan?: true } {
  return chunk.kind === 'tree' && tree.unchanged?.has(chunk.relPath) === true ? { unchangedAtScan: true } : {};
}
