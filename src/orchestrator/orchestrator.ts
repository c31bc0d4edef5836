import * as os from 'node:os';
import type { ChildLedger, Chunk, Chunker, Copier, CopyResult, FileAction, Logger, Preserve, ProfileSummary, Scanner } from '../api';
import { fileReport } from '../files-log/file-report';
import { emptyStats } from '../api';
import { outcomeCode } from './outcome-code';
import type { ProfileConfig } from '../config/types';
import type { SnapshotLifecycle } from '../snapshot';
import { capabilitiesOf } from './copier-capabilities';
import { BandwidthBudget } from './bandwidth-budget';
import { CircuitBreaker } from './circuit-breaker';
import { destinationUnwritable, freeSpaceVerdict, PreflightError, sourceUnreadable } from './preflight';
import { ChunkQueue, type QueuedChunk } from './chunk-queue';
import { InProcessDispatcher, type ChunkDispatcher } from './chunk-dispatcher';
import { FailedFileCollector, filesOnlyWarning, nextAttemptScope, onlyFilesFailed, type FailedFile } from './file-retry';
import { reportFailedFiles } from './failed-file-report';
import { finalizeSplitDirectories } from './finalize-split-dirs';
import { linkHardLinkGroups } from './link-pass';
import { preserveForRun } from './preserve-for-run';
import { profileExcludes } from '../plan/profile-excludes';
import { buildCopyOptions, chunkLogPath, probeDestinationCase } from './copy-options';
import type { CaseSensitivity } from '../fs/case-sensitivity';
import type { EventBus } from './event-bus';
import { sessionOutcome, summarizeProfile } from './profile-summary';
import { buildStatus } from './status';
import { OverallProgress, sizeUnknownProfiles } from './overall-progress';
import { NullJournal, type RunJournal } from './run-journal';
import { ThroughputMeter } from './throughput';
import { MirrorRefusedError } from './mirror-guard';
import { SafetyRails } from './safety-rails';
import { AttemptLedger } from '../report/chunk-totals';
import type { VerifyHook } from '../verify/verify-hook';
import type { RunEta } from '../eta/run-eta';
import type { ActiveJob, OrchestrationState, OrchestrationStatus, RunCallbacks, RunOptions, RunSummary } from './types';

/** Everything the orchestrator works with, injected so tests can swap any part. */
export interface OrchestratorDeps {
  bus: EventBus;
  scanner: Scanner;
  chunker: Chunker;
  /** The copier for an engine name; throws for an unknown engine. */
  copierFor: (engine: string) => Copier;
  /** Makes and deletes the profiles' snapshots; a profile with `snapshot` fails without it. */
  snapshots?: Pick<SnapshotLifecycle, 'cleanupOrphans' | 'begin' | 'end'>;
  journal?: RunJournal;
  logger: Logger;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  logDir?: string;
  globalBandwidthMbps?: number;
  version?: string;
  /** A pause longer than this ends by itself (0 = never), by resuming or stopping the run. */
  pauseTimeout?: { ms: number; action: 'resume' | 'stop' };
  /**
   * Check each chunk's directories below the profile's roots before its engine starts
   * (chunk-root-guard.ts); default true. Off only for tests that run made-up paths.
   */
  guardChunkRoots?: boolean;
  /** Checks a chunk's copy before it is recorded as done (src/verify); absent = no verification. */
  verifier?: Pick<VerifyHook, 'afterCopy' | 'summarize'>;
  /** Learnt ETA from the chunk history, and the queue's longest-expected-first order (src/eta). */
  eta?: Pick<RunEta, 'orderChunks' | 'annotate'>;
  /** Handed to engines: where they note child processes for the next run's clean-up. */
  childLedger?: ChildLedger;
  /** Where chunk attempts run; default: in this process, on `copierFor(profile.engine)`. */
  dispatcher?: ChunkDispatcher;
}

/** How often a running job's progress is sent as a ChunkProgress event (SIEM volume). */
const PROGRESS_EVENT_INTERVAL_MS = 5_000;

/** A result for a job that never ran (failure to start). */
function startFailure(err: unknown): CopyResult {
  return {
    exitCode: -1,
    exitMeaning: { severity: 'Error', shouldRetry: true, message: `failed to start: ${(err as Error)?.message ?? String(err)}` },
    stats: emptyStats(), errors: [], durationMs: 0, killed: false,
  };
}

/**
 * The job orchestration layer: runs profiles one after another; per profile snapshot → scan →
 * chunk → a queue worked by at most maxConcurrentJobs copy jobs, with retries, pause/resume,
 * drain and stop; every state change is an event on the bus.
 *
 * Completion is event-driven: a job's `done` schedules a tick the moment it resolves. A timer
 * tick additionally refreshes progress and releases retries whose backoff has passed.
 */
export class Orchestrator {
  readonly state: OrchestrationState;
  readonly queue = new ChunkQueue();
  private readonly journal: RunJournal;
  private readonly now: () => number;
  private readonly finishedJobs: { active: ActiveJob; result: CopyResult }[] = [];
  private readonly chunkBytes = new Map<string, number>();
  private readonly lastProgressEvent = new Map<number, number>();
  private readonly meter = new ThroughputMeter();
  /** Counts of every attempt of the current profile's chunks (src/report/chunk-totals.ts). */
  private readonly ledger = new AttemptLedger();
  /** The current profile's queue ran empty (also under a drain), so its final pass may run. */
  private profileRanToEnd = false;
  /** The ended profile's bytes are still in `state` (for the final status) and not yet in doneProfiles*. */
  private profileToFold = false;
  private maxConcurrentJobs = 4;
  private dryRun = false;
  private resume = true;
  private onlyChunks?: Map<string, Set<string>>;
  private callbacks: RunCallbacks = {};
  private nextJobId = 1;
  private tickScheduled = false;
  private profileDone?: () => void;
  private stopping?: Promise<void>;
  private finishedBytes = 0;
  private finishedFiles = 0;
  private doneProfilesBytes = 0;
  private doneProfilesTotal = 0;
  private overall = new OverallProgress();
  private scanErrors = 0;
  private pausedAt?: number;
  private pauseTimer?: NodeJS.Timeout;
  private scanAbort?: AbortController;
  private profileError?: string;
  /** Why a mirror safety rail failed the current profile (exit 1, not 4). */
  private profileRefusal?: string;
  private readonly rails: SafetyRails;
  /** The current profile's full plan and where it is read from, for the final pass. */
  private plannedChunks: Chunk[] = [];
  private finalExtrasRemoved = 0;
  private sourceRoot = '';
  /** How the current profile's destination compares names (probed before its first chunk). */
  private destinationCase?: CaseSensitivity;
  /** What the current profile's chunks keep besides the data (resolved before its first chunk). */
  private preserve?: Preserve;
  /** What the current profile's replica lacks that was asked (ProfileSummary.replicaProblems). */
  private replicaProblems: string[] = [];
  private readonly bandwidth: BandwidthBudget;
  /** The current profile's count of chunks failed for good in a row. */
  private breaker?: CircuitBreaker;
  private readonly dispatcher: ChunkDispatcher;

  constructor(private readonly deps: OrchestratorDeps) {
    this.journal = deps.journal ?? new NullJournal();
    this.now = deps.now ?? Date.now;
    this.bandwidth = new BandwidthBudget(deps.globalBandwidthMbps ?? 0, deps.copierFor);
    this.dispatcher = deps.dispatcher ?? new InProcessDispatcher(deps.copierFor);
    this.rails = new SafetyRails({ journal: this.journal, bus: deps.bus, logger: deps.logger });
    this.state = {
      sessionId: deps.bus.sessionId, phase: 'Idle', profiles: [], profileIndex: 0,
      activeJobs: new Map(), completedChunks: [], failedChunks: [], skippedChunks: [],
      totalChunks: 0, completedCount: 0, totalBytes: 0, bytesComplete: 0, totalFiles: 0, filesComplete: 0,
      stopRequested: false, drainRequested: false, pauseRequested: false, suspended: false,
    };
  }

  /** Runs every profile in order and returns the session's summary; never throws for run failures. */
  async startReplicationRun(profiles: ProfileConfig[], opts: RunOptions = {}): Promise<RunSummary> {
    const s = this.state;
    this.maxConcurrentJobs = opts.maxConcurrentJobs ?? 4;
    this.dryRun = opts.dryRun ?? false;
    this.resume = opts.resume ?? true;
    this.onlyChunks = opts.onlyChunks;
    this.callbacks = opts;
    this.rails.beginRun({ allowMassDelete: opts.allowMassDelete, dryRun: this.dryRun, onDeletion: opts.onDeletion });
    s.profiles = profiles;
    s.startTime = this.now();
    this.journal.beginRun({ sessionId: s.sessionId, profiles: profiles.map((p) => p.name), dryRun: this.dryRun });
    this.deps.bus.emit('SessionStart', {
      profiles: profiles.map((p) => p.name), host: os.hostname(), user: safeUser(), version: this.deps.version ?? '0.0.0',
      dryRun: this.dryRun, maxConcurrentJobs: this.maxConcurrentJobs,
    });
    // Not unref()'d: from here to SessionEnd this timer holds the event loop, so a run whose only
    // work left is a retry waiting out its backoff (or a pause) never ends by the loop running dry.
    const timer = setInterval(() => this.tick(), opts.tickIntervalMs ?? 500);
    const summaries: ProfileSummary[] = [];
    const sizing = this.startSizingProfiles(profiles);
    try {
      // After the session is recorded (journal.beginRun): orphans are snapshots of sessions that ended or died.
      await this.deps.snapshots?.cleanupOrphans();
      for (let i = 0; i < profiles.length; i++) {
        if (s.stopRequested || s.drainRequested) break;
        s.profileIndex = i;
        const summary = await this.runProfile(profiles[i]);
        summaries.push(summary);
        this.callbacks.onProfileComplete?.(summary);
      }
    } finally {
      clearInterval(timer);
      sizing.abort.abort();
      await sizing.done;
    }
    // A drain that let every chunk of every profile finish ends the run as if undisturbed.
    const stopped = s.stopRequested || (s.drainRequested && summaries.length < profiles.length);
    const outcome = sessionOutcome(summaries, stopped);
    s.phase = stopped ? 'Stopped' : outcome === 'Error' || outcome === 'Failed' ? 'Failed' : 'Complete';
    const durationMs = this.now() - s.startTime;
    const exitCode = outcomeCode(outcome);
    this.deps.bus.emit('SessionEnd', {
      outcome, exitCode, durationMs,
      filesCopied: summaries.reduce((a, p) => a + p.filesCopied, 0),
      bytesCopied: summaries.reduce((a, p) => a + p.bytesCopied, 0),
      chunksFailed: summaries.reduce((a, p) => a + p.chunksFailed, 0),
      profiles: summaries,
    });
    this.journal.endRun({ outcome, exitCode });
    return { sessionId: s.sessionId, outcome, profiles: summaries, durationMs, dryRun: this.dryRun };
  }

  /**
   * Sizes of the profiles after the first for the overall percentage (overall-progress.ts): from
   * their last run, else scanned in the background while the first profile runs.
   */
  private startSizingProfiles(profiles: ProfileConfig[]): { abort: AbortController; done: Promise<void> } {
    this.overall = new OverallProgress();
    for (let i = 1; i < profiles.length; i++) this.overall.setEstimate(i, this.journal.expectedBytes?.(profiles[i].name));
    const abort = new AbortController();
    const done = sizeUnknownProfiles(profiles, 1, (i) => this.overall.hasEstimate(i), { scanner: this.deps.scanner, logger: this.deps.logger, signal: abort.signal },
      (i, bytes) => this.overall.setEstimate(i, bytes));
    return { abort, done };
  }

  /** One profile from snapshot to its summary; the snapshot is released whatever happens. */
  private async runProfile(profile: ProfileConfig): Promise<ProfileSummary> {
    const finished = new Promise<void>((resolve) => { this.profileDone = resolve; });
    try {
      const started = await this.startProfileReplication(profile);
      if (started) await finished;
      this.profileRanToEnd = started && !this.state.stopRequested && this.queue.size === 0;
      await this.rails.settle();
      if (this.profileRanToEnd && this.plannedChunks.length > 0) {
        // Hard links across chunks first: the names it links exist in the source, so the final
        // pass's mirror deletions never see them as extras.
        if (this.preserve && this.state.tree?.hardLinks) {
          const links = await linkHardLinkGroups(profile, this.sourceRoot, this.plannedChunks, this.state.tree.hardLinks, {
            dryRun: this.dryRun, logger: this.deps.logger, preserve: this.preserve,
            engineLinksWithinChunk: this.deps.copierFor(profile.engine).capabilities.preserve?.hardLinks === true,
          });
          this.replicaProblems.push(...links.problems.map((p) => `hard links: ${p}`));
        }
        const fin = await finalizeSplitDirectories(profile, this.sourceRoot, this.plannedChunks, { dryRun: this.dryRun, logger: this.deps.logger, destinationCase: this.destinationCase, deletions: this.rails.finalPass(profile), preserve: this.preserve });
        this.finalExtrasRemoved = fin.extrasRemoved.length;
        this.replicaProblems.push(...fin.problems.map((p) => `finalize: ${p}`));
        this.profileRefusal = this.rails.finalPassRefusal(profile);
      }
    } catch (err) {
      if (err instanceof MirrorRefusedError) {
        this.profileRefusal = err.message;
        this.deps.logger.error({ profile: profile.name }, err.message);
      } else if (!this.state.stopRequested && !this.state.drainRequested) {
        // A scan aborted by stop or drain is a stop, not a profile failure.
        this.profileError = (err as Error)?.message ?? String(err);
        this.deps.logger.error(err instanceof PreflightError ? { profile: profile.name } : { err, profile: profile.name }, `profile ${profile.name} failed: ${this.profileError}`);
      }
      if (this.state.activeJobs.size > 0) await this.stopAllJobs();
    } finally {
      await this.deps.snapshots?.end(profile);
      this.state.snapshot = undefined;
    }
    return this.completeCurrentProfile(profile);
  }

  /**
   * Validates paths, snapshots, scans (from the snapshot when there is one), chunks, fills the
   * queue and starts processing. Returns false when there is nothing to process.
   */
  async startProfileReplication(profile: ProfileConfig): Promise<boolean> {
    const s = this.state;
    this.resetProfileState(profile);
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
    this.scanAbort = new AbortController();
    const tree = await this.deps.scanner.scan(sourceRoot, {
      excludes: profileExcludes(profile),
      signal: this.scanAbort.signal,
    });
    s.tree = tree;
    this.scanErrors = tree.errors.length;
    for (const e of tree.errors.slice(0, 20)) this.deps.logger.warn({ profile: profile.name, ...e }, `scan: cannot read ${e.relPath || '.'}: ${e.code}`);
    const planned = this.deps.chunker.plan(tree, profile.chunking, {
      profile: profile.name, sourceRoot, destinationRoot: profile.destination, windowsPaths: profile.windowsPaths,
    });
    this.plannedChunks = planned;
    this.sourceRoot = sourceRoot;
    const only = this.onlyChunks?.get(profile.name);
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
    const { completedChunkIds } = this.journal.beginProfile(profile, chunks, { resume: this.resume && !this.dryRun, dryRun: this.dryRun });
    // Mirror rails (may throw MirrorRefusedError) and the resume's check of the destination.
    const stillDone = await this.rails.beforeQueue(profile, { sourceRoot, tree, chunks, completedChunkIds });
    if (s.stopRequested) return false;
    const space = await freeSpaceVerdict(profile, chunks.filter((c) => !stillDone.has(c.id)), this.deps.scanner, this.dryRun, this.scanAbort.signal);
    if (space) {
      this.deps.logger[space.refuse ? 'error' : 'warn']({ profile: profile.name }, space.message);
      this.deps.bus.emit('Warning', { profile: profile.name, code: 'PREFLIGHT_FREE_SPACE', message: space.message });
      if (space.refuse) { this.profileRefusal = space.message; return false; }
    }
    // Only now: the probes may create (and remove) a file in the destination root, which a
    // refused mirror must not see touched, nor the resume check take for a changed destination.
    this.destinationCase = await probeDestinationCase(profile, this.dryRun, this.deps.logger);
    const kept = preserveForRun(profile, this.deps.copierFor(profile.engine), this.deps.logger);
    this.preserve = kept.preserve;
    this.replicaProblems.push(...kept.problems);
    this.initQueue(profile, chunks, stillDone);
    s.phase = 'Replicating';
    this.redistributeBandwidth();
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
    const now = this.now();
    for (const chunk of this.deps.eta?.orderChunks(profile, chunks) ?? chunks) {
      if (alreadyDone.has(chunk.id)) {
        s.skippedChunks.push(chunk);
        s.completedCount++;
        this.finishedBytes += chunk.estimatedBytes;
        this.finishedFiles += chunk.estimatedFiles;
      } else {
        this.queue.enqueue({ chunk, retryCount: 0, notBefore: now }, now);
      }
    }
  }

  private resetProfileState(profile: ProfileConfig): void {
    const s = this.state;
    this.foldEndedProfile();
    s.currentProfile = profile;
    s.profileStartTime = this.now();
    s.completedChunks = []; s.failedChunks = []; s.skippedChunks = [];
    s.totalChunks = 0; s.completedCount = 0; s.totalBytes = 0; s.bytesComplete = 0; s.totalFiles = 0; s.filesComplete = 0;
    s.snapshot = undefined; s.tree = undefined;
    this.finishedBytes = 0; this.finishedFiles = 0; this.scanErrors = 0; this.profileError = undefined; this.profileRefusal = undefined;
    this.plannedChunks = []; this.profileRanToEnd = false; this.sourceRoot = profile.source; this.finalExtrasRemoved = 0; this.destinationCase = undefined; this.preserve = undefined;
    this.replicaProblems = [];
    this.chunkBytes.clear();
    this.ledger.clear();
    this.queue.clear();
    this.breaker = new CircuitBreaker(profile);
  }

  /**
   * Moves the ended profile's bytes into the overall figures, once, when the next profile starts:
   * until then they stay in the profile's own figures, and counting them in both doubled the
   * overall totals of the final status.
   */
  private foldEndedProfile(): void {
    if (!this.profileToFold) return;
    this.profileToFold = false;
    this.doneProfilesBytes += this.state.bytesComplete;
    this.doneProfilesTotal += this.state.totalBytes;
  }

  /** Makes the tick run soon, once, however many jobs finish at the same moment. */
  private scheduleTick(): void {
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    setImmediate(() => { this.tickScheduled = false; this.tick(); });
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
    for (const f of this.finishedJobs.splice(0)) {
      s.activeJobs.delete(f.active.id);
      this.bandwidth.finished(f.active.id);
      this.lastProgressEvent.delete(f.active.id);
      const result = this.completeJob(f.active, f.result);
      this.callbacks.onChunkComplete?.(f.active, result);
    }
    if (s.phase === 'Replicating' && !s.pauseRequested && !s.drainRequested && !this.breaker?.tripped) {
      while (s.activeJobs.size < this.maxConcurrentJobs) {
        const share = this.bandwidth.shareForStart(s.currentProfile!, this.maxConcurrentJobs - s.activeJobs.size, this.maxConcurrentJobs);
        if (share.wait) break;
        const next = this.queue.dequeue(this.now());
        if (!next) break;
        this.startChunkJob(next, share.bytesPerSec);
      }
    }
    this.maybeCompleteProfile();
    this.updateProgress();
  }

  private maybeCompleteProfile(): void {
    const s = this.state;
    if (s.phase !== 'Replicating' || s.activeJobs.size > 0 || this.finishedJobs.length > 0) return;
    const nothingLeft = this.queue.size === 0;
    if (nothingLeft || s.stopRequested || s.drainRequested) this.resolveProfile();
  }

  private resolveProfile(): void {
    const done = this.profileDone;
    this.profileDone = undefined;
    done?.();
  }

  private startChunkJob(q: QueuedChunk, share: number): void {
    const s = this.state;
    const profile = s.currentProfile!;
    const id = this.nextJobId++;
    const attempt = q.retryCount + 1;
    const logPath = chunkLogPath(this.deps.logDir, s.sessionId, q.chunk, attempt);
    this.deps.bus.emit('ChunkStart', {
      profile: profile.name, chunkId: q.chunk.id, kind: q.chunk.kind, source: q.chunk.sourcePath,
      destination: q.chunk.destinationPath, estimatedFiles: q.chunk.estimatedFiles, estimatedBytes: q.chunk.estimatedBytes, attempt,
      ...(share > 0 ? { bandwidthBytesPerSec: share } : {}),
      ...(q.onlyFiles ? { onlyFiles: q.onlyFiles.length } : {}),
    });
    this.journal.chunkStarted(profile.name, q.chunk, attempt, logPath);
    const failedFiles = new FailedFileCollector();
    let job;
    try {
      const roots = this.deps.guardChunkRoots === false ? undefined : { sourceRoot: this.sourceRoot, destinationRoot: profile.destination, windowsPaths: profile.windowsPaths };
      const options = {
        ...buildCopyOptions(profile, q.chunk, { dryRun: this.dryRun, bandwidthBytesPerSec: share, logPath, logger: this.deps.logger, destinationCase: this.destinationCase, childLedger: this.deps.childLedger, preserve: this.preserve }),
        ...this.rails.copyOptions(profile, q.chunk),
        onWarning: (code: string, message: string) => this.deps.bus.emit('Warning', { profile: profile.name, code, message }),
        onFileAction: (a: FileAction) => { failedFiles.note(a); this.callbacks.onFileAction?.(fileReport(profile.name, q.chunk, a, this.dryRun, this.now())); },
        // A file-only attempt never deletes: the chunk's extras were handled by its full attempt.
        ...(q.onlyFiles ? { onlyFiles: q.onlyFiles, mirror: false } : {}),
      };
      job = this.dispatcher.start({ sessionId: s.sessionId, profile, chunk: q.chunk, attempt, options, roots }, startFailure);
    } catch (err) {
      const active: ActiveJob = { id, job: undefined as never, chunk: q.chunk, retryCount: q.retryCount, attempt, startedAt: this.now(), logPath, onlyFiles: q.onlyFiles };
      this.deps.logger.warn({ chunkId: q.chunk.id, err }, `chunk ${q.chunk.id} failed to start`);
      this.finishedJobs.push({ active, result: startFailure(err) });
      this.scheduleTick();
      return;
    }
    const active: ActiveJob = { id, job, chunk: q.chunk, retryCount: q.retryCount, attempt, startedAt: this.now(), logPath, onlyFiles: q.onlyFiles, failedFiles };
    s.activeJobs.set(id, active);
    this.bandwidth.started(id, job, profile, share);
    this.redistributeBandwidth();
    const verifier = this.deps.verifier;
    void job.done.then((r) => (verifier ? verifier.afterCopy(profile, q.chunk, r, active.startedAt) : r)).then((result) => {
      if (s.stopRequested && result.killed) return; // stopAllJobs owns killed jobs
      this.finishedJobs.push({ active, result });
      this.scheduleTick();
    });
  }

  /** Applies the bandwidth budget to the current profile's copier or running jobs. */
  private redistributeBandwidth(): void {
    const profile = this.state.currentProfile;
    if (profile) this.bandwidth.apply(profile);
  }

  /**
   * Sets one bandwidth budget (Mbit/s, 0 = unlimited) for the rest of the run, re-divided among
   * running jobs at once where their engine can change it live, and applied to every new job.
   */
  setBandwidthMbps(mbps: number, source = 'api'): void {
    this.bandwidth.set(mbps);
    this.redistributeBandwidth();
    this.deps.bus.emit('CommandApplied', { command: 'set-bandwidth', argument: mbps, source });
  }

  /** Records a finished job: status, log line, ChunkComplete event; failures go on to retry logic. */
  completeJob(active: ActiveJob, result: CopyResult): CopyResult {
    const s = this.state;
    const profile = s.currentProfile!;
    const sev = result.exitMeaning.severity;
    const status = sev === 'Success' ? 'Complete' : sev === 'Warning' ? 'CompleteWithWarnings' : 'Failed';
    const durationMs = result.durationMs || this.now() - active.startedAt;
    const line = `chunk ${active.chunk.id} (${active.chunk.relPath || '.'}) ${status}: ${result.exitMeaning.message}`;
    this.bookAttempt(active, result);
    if (sev === 'Success') this.deps.logger.info({ chunkId: active.chunk.id, exitCode: result.exitCode }, line);
    else this.deps.logger.warn({ chunkId: active.chunk.id, exitCode: result.exitCode, errors: result.errors.slice(0, 5) }, line);
    this.deps.bus.emit('ChunkComplete', {
      profile: profile.name, chunkId: active.chunk.id, source: active.chunk.sourcePath, destination: active.chunk.destinationPath,
      exitCode: result.exitCode, severity: sev, filesCopied: result.stats.filesCopied, bytesCopied: result.stats.bytesCopied,
      durationMs, message: result.exitMeaning.message, attempt: active.attempt,
    });
    if (status === 'Failed') this.handleFailedChunk(active, result);
    else this.completeChunk(active, status, result);
    this.redistributeBandwidth();
    return result;
  }

  /** Records a chunk as done (with warnings: `failedFiles` are files still failing that the profile lets pass). */
  private completeChunk(active: ActiveJob, status: 'Complete' | 'CompleteWithWarnings', result: CopyResult, failedFiles?: FailedFile[]): void {
    const s = this.state;
    const profile = s.currentProfile!;
    s.completedChunks.push({ chunk: active.chunk, status, result, retryCount: active.retryCount, ...(failedFiles ? { failedFiles } : {}) });
    // Its high-water mark is done with; dropped here, not by a scan of every finished chunk
    // per tick (that was O(chunks²): seconds of CPU for 10,000 chunks).
    this.chunkBytes.delete(active.chunk.id);
    s.completedCount++;
    this.finishedBytes += active.chunk.estimatedBytes;
    this.finishedFiles += active.chunk.estimatedFiles;
    this.journal.chunkFinished(profile.name, active.chunk, status, result, active.attempt, this.ledger.get(active.chunk.id), failedFiles);
    if (failedFiles) reportFailedFiles(this.deps.bus, profile.name, active.chunk, failedFiles, active.attempt, 'Warning');
    this.rails.chunkCompleted(profile, active.chunk);
    this.breaker?.chunkCompleted();
  }

  /** Adds one attempt's counts to its chunk's totals, in memory and in the journal. */
  private bookAttempt(active: Pick<ActiveJob, 'chunk' | 'attempt' | 'startedAt' | 'onlyFiles'>, result: CopyResult): void {
    const totals = this.ledger.add(active.chunk.id, result.stats, active.onlyFiles !== undefined);
    this.journal.attemptFinished?.(this.state.currentProfile!.name, active.chunk, { attempt: active.attempt, startedAt: active.startedAt, result, totals, ...(active.onlyFiles ? { onlyFiles: active.onlyFiles.length } : {}) });
  }

  /**
   * A stop kills running jobs; what they copied before they died was copied all the same and
   * counts (in the summary and in history), as an attempt that was killed.
   */
  private async bookKilledAttempts(jobs: ActiveJob[]): Promise<void> {
    const results = await Promise.all(jobs.map((a) => a.job.done.then((r) => r, () => undefined)));
    jobs.forEach((a, i) => { const r = results[i]; if (r && this.state.currentProfile) this.bookAttempt(a, r); });
  }

  /** Retries a failed chunk (with backoff) while attempts remain and the failure is retryable; else fails it for good. */
  handleFailedChunk(active: ActiveJob, result: CopyResult): void {
    const s = this.state;
    const profile = s.currentProfile!;
    const retryCount = active.retryCount + 1;
    const failed = active.failedFiles?.list() ?? [];
    if (retryCount < profile.retry.maxAttempts && result.exitMeaning.shouldRetry && !this.breaker?.tripped) {
      const backoffMs = Math.min(profile.retry.backoffSeconds * 1000 * 2 ** (retryCount - 1), profile.retry.maxBackoffSeconds * 1000);
      const now = this.now();
      const scope = nextAttemptScope(this.deps.copierFor(profile.engine), active.chunk, result, failed);
      this.queue.enqueue({ chunk: active.chunk, retryCount, notBefore: now + backoffMs, lastExitCode: result.exitCode, lastMessage: result.exitMeaning.message, ...(scope.files ? { onlyFiles: scope.files } : {}) }, now);
      this.deps.logger.warn({ chunkId: active.chunk.id, onlyFiles: scope.files?.length }, `chunk ${active.chunk.id} failed, retrying (${retryCount}/${profile.retry.maxAttempts - 1}) in ${Math.round(backoffMs / 1000)} s: ${scope.files ? `only its ${scope.reason}` : `the whole chunk (${scope.reason})`}`);
      this.deps.bus.emit('ChunkRetry', {
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
    const tripped = this.breaker?.chunkFailed(result.exitMeaning.message);
    if (tripped) this.tripProfile(tripped);
  }

  /** The circuit breaker stopped the profile: nothing new starts, retries waiting are dropped, running jobs finish. */
  private tripProfile(reason: string): void {
    const profile = this.state.currentProfile!;
    const notRun = this.queue.size;
    this.queue.clear();
    const message = `${reason}; ${notRun} chunk(s) not attempted, ${this.state.activeJobs.size} running job(s) left to finish`;
    this.deps.logger.error({ profile: profile.name, notRun }, message);
    this.deps.bus.emit('Warning', { profile: profile.name, code: 'CIRCUIT_BREAKER', message });
  }

  /** Records a chunk as failed for good: counted, reported (ChunkError) and journaled. */
  private failForGood(chunk: Chunk, result: CopyResult, retryCount: number, attempt: number, failedFiles?: FailedFile[]): void {
    const s = this.state;
    const profile = s.currentProfile!;
    s.failedChunks.push({ chunk, status: 'Failed', result, retryCount, ...(failedFiles ? { failedFiles } : {}) });
    this.chunkBytes.delete(chunk.id);
    s.completedCount++;
    this.finishedBytes += chunk.estimatedBytes;
    this.finishedFiles += chunk.estimatedFiles;
    this.deps.logger.error({ chunkId: chunk.id, exitCode: result.exitCode }, `chunk ${chunk.id} failed permanently after ${retryCount} attempt(s): ${result.exitMeaning.message}`);
    if (failedFiles) reportFailedFiles(this.deps.bus, profile.name, chunk, failedFiles, attempt, 'Error');
    this.deps.bus.emit('ChunkError', {
      profile: profile.name, chunkId: chunk.id, source: chunk.sourcePath, retryCount,
      exitCode: result.exitCode, message: result.exitMeaning.message,
    });
    this.journal.chunkFinished(profile.name, chunk, 'Failed', result, attempt, this.ledger.get(chunk.id), failedFiles);
  }

  /**
   * Per-chunk control (dashboard, `robocurse retry-chunk`): a chunk of the current profile that
   * failed for good gets one more attempt, and one waiting out a retry backoff stops waiting;
   * either way it runs next. Throws, saying why, for any other chunk.
   */
  retryChunk(chunkId: string, source = 'api'): void {
    const s = this.state;
    this.checkChunkControl(chunkId, 'retry');
    if (this.queue.items().some((q) => q.chunk.id === chunkId && q.retryCount === 0)) {
      throw new Error(`chunk ${chunkId} cannot be retried: it has not failed, it is waiting for its first attempt`);
    }
    let item = this.queue.remove(chunkId);
    if (!item) {
      const i = s.failedChunks.findIndex((f) => f.chunk.id === chunkId);
      if (i < 0) throw new Error(`chunk ${chunkId} cannot be retried: it is not failed or waiting for a retry in profile ${s.currentProfile!.name}`);
      const [failed] = s.failedChunks.splice(i, 1);
      s.completedCount--;
      // Its bytes are no longer processed: progress steps back by them (it is monotonic otherwise,
      // and would stand still until the new attempt had made them up again, rate 0 meanwhile).
      this.finishedBytes -= failed.chunk.estimatedBytes;
      this.finishedFiles -= failed.chunk.estimatedFiles;
      s.bytesComplete = Math.max(0, s.bytesComplete - failed.chunk.estimatedBytes);
      s.filesComplete = Math.max(0, s.filesComplete - failed.chunk.estimatedFiles);
      item = { chunk: failed.chunk, retryCount: failed.retryCount, notBefore: 0 };
    }
    this.queue.enqueueFront({ ...item, notBefore: this.now() });
    this.deps.bus.emit('CommandApplied', { command: 'retry-chunk', chunkId, source });
    this.tick();
  }

  /**
   * Per-chunk control (`robocurse skip-chunk`): a queued chunk of the current profile is not
   * copied in this run. It counts as failed (exit 1, listed, picked up by retry-failed), never
   * as done, so skipping can never hide data that was not copied.
   */
  skipChunk(chunkId: string, source = 'api'): void {
    this.checkChunkControl(chunkId, 'skip');
    const item = this.queue.remove(chunkId);
    if (!item) throw new Error(`chunk ${chunkId} cannot be skipped: it is not waiting to run in profile ${this.state.currentProfile!.name}`);
    const message = `skipped on request (${source}): not copied in this run`;
    this.deps.bus.emit('CommandApplied', { command: 'skip-chunk', chunkId, source });
    const result: CopyResult = { exitCode: -1, exitMeaning: { severity: 'Error', shouldRetry: false, message }, stats: emptyStats(), errors: [], durationMs: 0, killed: false };
    this.failForGood(item.chunk, result, item.retryCount, item.retryCount);
    this.tick();
  }

  private checkChunkControl(chunkId: string, what: string): void {
    const s = this.state;
    if (s.phase !== 'Replicating' || !this.profileDone || !s.currentProfile) throw new Error(`chunk ${chunkId} cannot ${what}: no profile is copying now`);
    if (s.stopRequested || s.drainRequested) throw new Error(`chunk ${chunkId} cannot ${what}: the run is stopping`);
    if (this.breaker?.tripped) throw new Error(`chunk ${chunkId} cannot ${what}: the circuit breaker stopped profile ${s.currentProfile.name}`);
    for (const a of s.activeJobs.values()) if (a.chunk.id === chunkId) throw new Error(`chunk ${chunkId} cannot ${what}: it is running`);
  }

  /** The live settings a front end shows next to its controls. */
  controlSettings(): { maxConcurrentJobs: number; bandwidthBytesPerSec: number } {
    const profile = this.state.currentProfile;
    return { maxConcurrentJobs: this.maxConcurrentJobs, bandwidthBytesPerSec: profile ? this.bandwidth.budgetFor(profile) : 0 };
  }

  /**
   * Kills every running job (whole process trees) and empties the active set. Never rejects: a
   * kill that fails does not spare the other jobs, and is reported (log and Warning event) with
   * the chunk it concerns, so the run still ends as Stopped instead of hanging in Replicating.
   */
  stopAllJobs(): Promise<void> {
    if (this.stopping) return this.stopping;
    const s = this.state;
    const jobs = [...s.activeJobs.values()];
    this.stopping = (async () => {
      this.scanAbort?.abort();
      const kills = await Promise.allSettled(jobs.map(async (a) => a.job.kill()));
      kills.forEach((k, i) => {
        const a = jobs[i];
        if (k.status === 'fulfilled') { this.deps.logger.warn({ chunkId: a.chunk.id }, `killed chunk ${a.chunk.id}`); return; }
        const message = `could not kill the job of chunk ${a.chunk.id} (${a.chunk.sourcePath})${a.job.pid ? `, pid ${a.job.pid}` : ''}: ${(k.reason as Error)?.message ?? String(k.reason)}; it may still be running`;
        this.deps.logger.error({ chunkId: a.chunk.id, err: k.reason }, message);
        this.deps.bus.emit('Warning', { profile: s.currentProfile?.name, code: 'KILL_FAILED', message });
      });
      // Only jobs that died settle their `done`: one that survived its kill would hold the stop up.
      await this.bookKilledAttempts(jobs.filter((_, i) => kills[i].status === 'fulfilled'));
      s.activeJobs.clear();
      this.bandwidth.clear();
      this.finishedJobs.splice(0);
      s.phase = 'Stopped';
      this.deps.bus.emit('Stopped', { queuedChunks: this.queue.size, killedJobs: jobs.length });
    })();
    return this.stopping;
  }

  /** Stop: nothing new starts, running jobs are killed, the run ends as Stopped. */
  requestStop(reason = 'requested'): void {
    if (this.state.stopRequested) return;
    this.state.stopRequested = true;
    this.deps.bus.emit('StopRequested', { mode: 'stop', reason });
    if (this.state.suspended) this.requestResume();
    this.tick();
  }

  /** Drain: running jobs finish, nothing new starts, then the run ends as Stopped. */
  requestDrain(reason = 'requested'): void {
    if (this.state.drainRequested || this.state.stopRequested) return;
    this.state.drainRequested = true;
    this.deps.bus.emit('StopRequested', { mode: 'drain', reason });
    this.scanAbort?.abort();
    this.tick();
  }

  /** Pause: nothing new starts; with `suspend`, running jobs freeze where their engine can. */
  requestPause(opts: { suspend?: boolean } = {}): void {
    const s = this.state;
    if (s.pauseRequested && (s.suspended || !opts.suspend)) return;
    s.pauseRequested = true;
    this.pausedAt ??= this.now();
    if (opts.suspend) {
      if (this.engineCanSuspend()) for (const a of s.activeJobs.values()) a.job.suspend?.();
      s.suspended = true;
      this.meter.pause();
    }
    this.deps.bus.emit('Paused', { suspend: Boolean(opts.suspend), activeJobs: s.activeJobs.size });
    const limit = this.deps.pauseTimeout;
    if (limit && limit.ms > 0 && !this.pauseTimer) {
      this.pauseTimer = setTimeout(() => this.pauseTimedOut(limit.action), limit.ms);
      // The run's tick timer holds the loop while a run is pending; this one must not outlive it.
      this.pauseTimer.unref();
    }
  }

  /** Whether the running profile's engine declares suspend/resume (its capabilities, never a probe). */
  private engineCanSuspend(): boolean {
    const profile = this.state.currentProfile;
    if (!profile) return false;
    try { return capabilitiesOf(this.deps.copierFor(profile.engine)).suspend; } catch { return false; }
  }

  /** A forgotten pause must not hold a nightly run (and its snapshot) forever. */
  private pauseTimedOut(action: 'resume' | 'stop'): void {
    this.pauseTimer = undefined;
    if (!this.state.pauseRequested) return;
    const secs = Math.round((this.deps.pauseTimeout?.ms ?? 0) / 1000);
    this.deps.logger.warn({}, `pause lasted longer than ${secs} s: ${action === 'stop' ? 'stopping' : 'resuming'} the run`);
    this.deps.bus.emit('Warning', { profile: this.state.currentProfile?.name, code: 'PAUSE_TIMEOUT', message: `pause lasted longer than ${secs} s (global.pauseTimeoutSeconds); ${action === 'stop' ? 'stopping' : 'resuming'} (global.pauseTimeoutAction)` });
    if (action === 'stop') this.requestStop('pause timeout');
    else this.requestResume();
  }

  /** Undoes a pause (and thaws suspended jobs). */
  requestResume(): void {
    const s = this.state;
    if (!s.pauseRequested) return;
    if (this.pauseTimer) { clearTimeout(this.pauseTimer); this.pauseTimer = undefined; }
    if (s.suspended) {
      if (this.engineCanSuspend()) for (const a of s.activeJobs.values()) a.job.resume?.();
      s.suspended = false;
      this.meter.resume();
    }
    s.pauseRequested = false;
    const pausedMs = this.pausedAt !== undefined ? this.now() - this.pausedAt : 0;
    this.pausedAt = undefined;
    this.deps.bus.emit('Resumed', { activeJobs: s.activeJobs.size, pausedMs });
    this.tick();
  }

  /** Changes the job cap while running; new jobs start on the next tick. */
  setMaxConcurrentJobs(n: number, source?: string): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`maxConcurrentJobs must be an integer >= 1, got ${n}`);
    this.maxConcurrentJobs = n;
    if (source) this.deps.bus.emit('CommandApplied', { command: 'set-concurrency', argument: n, source });
    this.tick();
  }

  /** Bytes of finished chunks plus the live (high-water) bytes of active ones. */
  private updateProgress(): void {
    const s = this.state;
    let live = 0;
    let liveFiles = 0;
    const now = this.now();
    for (const a of s.activeJobs.values()) {
      const p = a.job.progress();
      // High-water per chunk: a retry restarting at 0 must not move progress backwards.
      const hw = Math.min(Math.max(this.chunkBytes.get(a.chunk.id) ?? 0, p.bytesCopied), a.chunk.estimatedBytes);
      this.chunkBytes.set(a.chunk.id, hw);
      live += hw;
      liveFiles += Math.min(p.filesCopied, a.chunk.estimatedFiles);
      const last = this.lastProgressEvent.get(a.id) ?? a.startedAt;
      if (now - last >= PROGRESS_EVENT_INTERVAL_MS) {
        this.lastProgressEvent.set(a.id, now);
        this.deps.bus.emit('ChunkProgress', { profile: s.currentProfile!.name, chunkId: a.chunk.id, bytesCopied: p.bytesCopied, filesCopied: p.filesCopied });
      }
    }
    s.bytesComplete = Math.max(s.bytesComplete, this.finishedBytes + live);
    s.filesComplete = Math.max(s.filesComplete, this.finishedFiles + liveFiles);
    this.meter.sample(now, this.doneProfilesBytes + s.bytesComplete);
    this.callbacks.onProgress?.(this.getStatus());
  }

  /** The current picture of the run. */
  getStatus(): OrchestrationStatus {
    const status = buildStatus(this.state, {
      now: this.now(), queued: this.queue.size,
      doneProfilesBytes: this.doneProfilesBytes, doneProfilesTotal: this.doneProfilesTotal,
      bytesPerSecond: this.meter.bytesPerSecond(), etaFor: (bytes) => this.meter.etaSeconds(bytes),
      laterProfilesBytes: this.laterProfilesBytes(),
      overall: this.overall.figures({
        profileIndex: this.state.profileIndex, profileCount: this.state.profiles.length,
        doneBytes: this.doneProfilesBytes, doneTotal: this.doneProfilesTotal,
        currentBytes: this.state.bytesComplete, currentTotal: this.state.totalBytes,
        currentSized: !['Idle', 'Snapshot', 'Scanning'].includes(this.state.phase),
      }),
    });
    return this.deps.eta?.annotate(status, this.state, this.now(), this.maxConcurrentJobs) ?? status;
  }

  /** Bytes of the profiles after the current one (last run, or sized up front); undefined if any is unknown. */
  private laterProfilesBytes(): number | undefined {
    let later = 0;
    for (let i = this.state.profileIndex + 1; i < this.state.profiles.length; i++) {
      const bytes = this.overall.estimate(i);
      if (bytes === undefined) return undefined;
      later += bytes;
    }
    return later;
  }

  private completeCurrentProfile(profile: ProfileConfig): ProfileSummary {
    const s = this.state;
    const base = summarizeProfile({
      profile: profile.name, completed: s.completedChunks, failed: s.failedChunks, skipped: s.skippedChunks.length,
      totals: [...this.ledger.all()].map(([, t]) => t),
      totalChunks: s.totalChunks, bytesTotal: s.totalBytes, durationMs: this.now() - (s.profileStartTime ?? this.now()),
      stopped: s.stopRequested || this.queue.size > 0 || (s.drainRequested && !this.profileRanToEnd), error: this.profileError, scanErrors: this.scanErrors,
      extrasRemoved: this.finalExtrasRemoved, refused: this.profileRefusal, replicaProblems: this.replicaProblems, circuitBreaker: this.breaker?.tripped,
    });
    const summary = this.deps.verifier?.summarize(base) ?? base;
    this.rails.profileFinished(profile, summary);
    this.profileToFold = true;
    this.deps.bus.emit('ProfileComplete', summary);
    this.journal.endProfile(summary);
    return summary;
  }
}

function safeUser(): string {
  try { return os.userInfo().username; } catch { return process.env.USER ?? process.env.USERNAME ?? 'unknown'; }
}
