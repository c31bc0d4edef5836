import type { ChildLedger, Chunk, Chunker, Copier, Logger, Preserve, Scanner } from '../api';
import type { ProfileConfig } from '../config/types';
import type { RunEta } from '../eta/run-eta';
import type { CaseSensitivity } from '../fs/case-sensitivity';
import { AttemptLedger } from '../report/chunk-totals';
import type { SnapshotLifecycle } from '../snapshot';
import type { VerifyHook } from '../verify/verify-hook';
import { BandwidthBudget } from './bandwidth-budget';
import { InProcessDispatcher, type ChunkDispatcher } from './chunk-dispatcher';
import { ChunkQueue } from './chunk-queue';
import { CircuitBreaker } from './circuit-breaker';
import type { EventBus } from './event-bus';
import { NullJournal, type RunJournal } from './run-journal';
import { SafetyRails } from './safety-rails';
import type { OrchestrationState, RunCallbacks } from './types';

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

/** What the current profile's run has found out and decided; made new when a profile starts. */
export class ProfileRun {
  /** Its queue ran empty (also under a drain), so its final pass may run. */
  ranToEnd = false;
  scanErrors = 0;
  /** Why it failed (exit 4). */
  error?: string;
  /** Why a mirror safety rail or the free-space check refused it (exit 1, not 4). */
  refusal?: string;
  /** Its full plan and where it is read from (the snapshot's path when there is one), for the final pass. */
  plannedChunks: Chunk[] = [];
  sourceRoot: string;
  finalExtrasRemoved = 0;
  /** How its destination compares names (probed before its first chunk). */
  destinationCase?: CaseSensitivity;
  /** What its chunks keep besides the data (resolved before its first chunk). */
  preserve?: Preserve;
  /** What its replica lacks that was asked (ProfileSummary.replicaProblems). */
  replicaProblems: string[] = [];
  /** Counts of every attempt of its chunks (src/report/chunk-totals.ts). */
  readonly ledger = new AttemptLedger();
  /** Its count of chunks failed for good in a row. */
  readonly breaker: CircuitBreaker;

  constructor(readonly profile: ProfileConfig) {
    this.sourceRoot = profile.source;
    this.breaker = new CircuitBreaker(profile);
  }
}

/** How this run was asked to go; set when it starts, the cap changeable while it runs. */
export interface RunSettings {
  maxConcurrentJobs: number;
  dryRun: boolean;
  resume: boolean;
  onlyChunks?: Map<string, Set<string>>;
  callbacks: RunCallbacks;
}

/**
 * What the parts of the orchestrator share (run loop, job lifecycle, control, progress): the
 * state the status is made of, the queue, the journal, the bandwidth budget, the run's settings
 * and the current profile's run. One per Orchestrator; nothing module-global.
 */
export class RunContext {
  readonly state: OrchestrationState;
  readonly queue = new ChunkQueue();
  readonly journal: RunJournal;
  readonly now: () => number;
  readonly bandwidth: BandwidthBudget;
  readonly rails: SafetyRails;
  readonly dispatcher: ChunkDispatcher;
  settings: RunSettings = { maxConcurrentJobs: 4, dryRun: false, resume: true, callbacks: {} };
  /** The current profile's run; undefined before the first profile starts. */
  profileRun?: ProfileRun;
  /** Ends the run loop's wait for the current profile (set while a profile copies). */
  profileDone?: () => void;
  /** Aborts the current profile's scan (and its free-space walk) on stop or drain. */
  scanAbort?: AbortController;
  /** The run loop's tick (orchestrator.ts): the parts call it after changing what may start. */
  tick: () => void = () => undefined;
  private tickScheduled = false;

  constructor(readonly deps: OrchestratorDeps) {
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

  /** The profile being copied; only called where one is. */
  get profile(): ProfileConfig {
    return this.state.currentProfile!;
  }

  /** Makes the tick run soon, once, however many jobs finish at the same moment. */
  scheduleTick(): void {
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    setImmediate(() => { this.tickScheduled = false; this.tick(); });
  }

  /** Applies the bandwidth budget to the current profile's copier or running jobs. */
  redistributeBandwidth(): void {
    const profile = this.state.currentProfile;
    if (profile) this.bandwidth.apply(profile);
  }
}
