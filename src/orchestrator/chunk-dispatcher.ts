import type { Chunk, Copier, CopyJob, CopyOptions, CopyResult } from '../api';
import type { ProfileConfig } from '../config/types';
import { startChunk, type ChunkRoots } from './chunk-root-guard';

/**
 * One attempt of one chunk, as the orchestrator hands it over. Everything but the callbacks in
 * `options` (logger, onWarning, onFileAction, onDeletion, childLedger) is plain data, so a
 * dispatcher that runs the attempt on another host can send it: the profile's roots plus the
 * chunk's relative path say where to copy, never a pre-joined path of this host.
 */
export interface ChunkAttempt {
  sessionId: string;
  profile: ProfileConfig;
  chunk: Chunk;
  /** 1 for the first attempt of this chunk in this run. */
  attempt: number;
  options: CopyOptions;
  /** The roots the chunk's directories are checked against before its engine starts; absent in tests with made-up paths. */
  roots?: ChunkRoots;
}

/**
 * Where chunk attempts run. The orchestrator decides what runs, when, with which share of the
 * bandwidth and whether a failure is retried; the dispatcher only starts an attempt and returns
 * its handle (progress as absolute counters, `done`, kill, suspend/resume, setBandwidth). The
 * handle's `done` never rejects: a failure to start is a result (`startFailure`).
 */
export interface ChunkDispatcher {
  start(attempt: ChunkAttempt, startFailure: (err: unknown) => CopyResult): CopyJob;
  /**
   * The run was paused (true) or resumed (false). Attempts handed over but not yet begun (waiting
   * in another host's queue) must not begin while paused; running ones are the orchestrator's
   * (suspend). In process there is no such wait, so the default dispatcher has nothing to do.
   */
  setPaused?(paused: boolean): void;
  /**
   * Takes back attempts handed over but not yet begun (waiting in another host's queue): all of
   * them, also those still being handed over, when the run drains; at most `most` when the job
   * cap was lowered. `withdrawn` hears of each before its handle settles: the chunk goes back to
   * the queue (Pending), it is not a failed attempt. In process every attempt has begun when
   * start() returns, so the default dispatcher has nothing to take back.
   */
  withdrawWaiting?(withdrawn: (job: CopyJob) => void, most?: number): void;
  /** Releases what the dispatcher holds (connections); idempotent. */
  close?(): Promise<void>;
}

/** Today's behaviour: the attempt runs here, on the profile's engine, behind the chunk-root guard. */
export class InProcessDispatcher implements ChunkDispatcher {
  constructor(private readonly copierFor: (engine: string) => Copier) {}

  start(a: ChunkAttempt, startFailure: (err: unknown) => CopyResult): CopyJob {
    return startChunk(this.copierFor(a.profile.engine), a.chunk, a.options, a.roots, startFailure);
  }
}
