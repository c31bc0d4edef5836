import type { Chunk } from '../api';
import type { ProfileConfig } from '../config/types';
import { OverallProgress, sizeUnknownProfiles } from './overall-progress';
import type { RunContext } from './run-context';
import { buildStatus } from './status';
import { ThroughputMeter } from './throughput';
import type { OrchestrationStatus } from './types';

/** How often a running job's progress is sent as a ChunkProgress event (SIEM volume). */
const PROGRESS_EVENT_INTERVAL_MS = 5_000;

/**
 * Progress and ETA: bytes of finished chunks plus the live (high-water) bytes of running ones,
 * per profile and over the profiles that ended; the throughput meter; ChunkProgress events.
 * Progress only moves forward, except when a chunk failed for good is reopened (retry-chunk).
 */
export class ProgressTracker {
  /** Live bytes per running chunk, at their highest: a retry restarting at 0 does not step back. */
  private readonly chunkBytes = new Map<string, number>();
  private readonly lastProgressEvent = new Map<number, number>();
  readonly meter = new ThroughputMeter();
  private finishedBytes = 0;
  private finishedFiles = 0;
  private doneProfilesBytes = 0;
  private doneProfilesTotal = 0;
  /** The ended profile's bytes are still in `state` (for the final status) and not yet in doneProfiles*. */
  private profileToFold = false;
  private overall = new OverallProgress();

  constructor(private readonly ctx: RunContext) {}

  /**
   * Sizes of the profiles after the first for the overall percentage (overall-progress.ts): from
   * their last run, else scanned in the background while the first profile runs.
   */
  startSizing(profiles: ProfileConfig[]): { abort: AbortController; done: Promise<void> } {
    const { journal, deps } = this.ctx;
    this.overall = new OverallProgress();
    for (let i = 1; i < profiles.length; i++) this.overall.setEstimate(i, journal.expectedBytes?.(profiles[i].name));
    const abort = new AbortController();
    const done = sizeUnknownProfiles(profiles, 1, (i) => this.overall.hasEstimate(i), { scanner: deps.scanner, logger: deps.logger, signal: abort.signal },
      (i, bytes) => this.overall.setEstimate(i, bytes));
    return { abort, done };
  }

  /** A new profile starts: the ended one's figures move into the overall ones, its own start at 0. */
  profileStarted(): void {
    this.foldEndedProfile();
    this.finishedBytes = 0;
    this.finishedFiles = 0;
    this.chunkBytes.clear();
  }

  /** The current profile ended; its figures stay in `state` for the final status until the next starts. */
  profileEnded(): void {
    this.profileToFold = true;
  }

  /** A chunk is done with: copied, failed for good, skipped, or done by an earlier run. */
  chunkFinished(chunk: Chunk): void {
    // Its high-water mark is done with; dropped here, not by a scan of every finished chunk
    // per tick (that was O(chunks²): seconds of CPU for 10,000 chunks).
    this.chunkBytes.delete(chunk.id);
    this.finishedBytes += chunk.estimatedBytes;
    this.finishedFiles += chunk.estimatedFiles;
  }

  /**
   * A chunk failed for good runs again (retry-chunk): its bytes are no longer processed, so
   * progress steps back by them (it would otherwise stand still until the new attempt had made
   * them up again, rate 0 meanwhile).
   */
  chunkReopened(chunk: Chunk): void {
    const s = this.ctx.state;
    this.finishedBytes -= chunk.estimatedBytes;
    this.finishedFiles -= chunk.estimatedFiles;
    s.bytesComplete = Math.max(0, s.bytesComplete - chunk.estimatedBytes);
    s.filesComplete = Math.max(0, s.filesComplete - chunk.estimatedFiles);
  }

  /** A job left the active set. */
  jobEnded(jobId: number): void {
    this.lastProgressEvent.delete(jobId);
  }

  /** Bytes of finished chunks plus the live (high-water) bytes of active ones. */
  update(): void {
    const { state: s, deps } = this.ctx;
    let live = 0;
    let liveFiles = 0;
    const now = this.ctx.now();
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
        deps.bus.emit('ChunkProgress', { profile: s.currentProfile!.name, chunkId: a.chunk.id, bytesCopied: p.bytesCopied, filesCopied: p.filesCopied });
      }
    }
    s.bytesComplete = Math.max(s.bytesComplete, this.finishedBytes + live);
    s.filesComplete = Math.max(s.filesComplete, this.finishedFiles + liveFiles);
    this.meter.sample(now, this.doneProfilesBytes + s.bytesComplete);
    this.ctx.settings.callbacks.onProgress?.(this.status());
  }

  /** The current picture of the run. */
  status(): OrchestrationStatus {
    const { state, deps } = this.ctx;
    const status = buildStatus(state, {
      now: this.ctx.now(), queued: this.ctx.queue.size,
      doneProfilesBytes: this.doneProfilesBytes, doneProfilesTotal: this.doneProfilesTotal,
      bytesPerSecond: this.meter.bytesPerSecond(), etaFor: (bytes) => this.meter.etaSeconds(bytes),
      laterProfilesBytes: this.laterProfilesBytes(),
      overall: this.overall.figures({
        profileIndex: state.profileIndex, profileCount: state.profiles.length,
        doneBytes: this.doneProfilesBytes, doneTotal: this.doneProfilesTotal,
        currentBytes: state.bytesComplete, currentTotal: state.totalBytes,
        currentSized: !['Idle', 'Snapshot', 'Scanning'].includes(state.phase),
      }),
    });
    return deps.eta?.annotate(status, state, this.ctx.now(), this.ctx.settings.maxConcurrentJobs) ?? status;
  }

  /** Bytes of the profiles after the current one (last run, or sized up front); undefined if any is unknown. */
  private laterProfilesBytes(): number | undefined {
    const { state } = this.ctx;
    let later = 0;
    for (let i = state.profileIndex + 1; i < state.profiles.length; i++) {
      const bytes = this.overall.estimate(i);
      if (bytes === undefined) return undefined;
      later += bytes;
    }
    return later;
  }

  /**
   * Moves the ended profile's bytes into the overall figures, once, when the next profile starts:
   * until then they stay in the profile's own figures, and counting them in both doubled the
   * overall totals of the final status.
   */
  private foldEndedProfile(): void {
    if (!this.profileToFold) return;
    this.profileToFold = false;
    this.doneProfilesBytes += this.ctx.state.bytesComplete;
    this.doneProfilesTotal += this.ctx.state.totalBytes;
  }
}
