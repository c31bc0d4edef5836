import type { Logger } from '../api';
import type { Orchestrator } from '../orchestrator/orchestrator';
import type { OrchestrationStatus } from '../orchestrator/types';

/** One running chunk as the dashboard shows it. */
export interface LiveChunk {
  chunkId: string;
  relPath: string;
  bytesCopied: number;
  estimatedBytes: number;
  attempt: number;
  /** Over the last publish interval; undefined for the first sample. */
  bytesPerSecond?: number;
}

/**
 * What a running session publishes about once a second (in memory for `run --dashboard`, in the
 * run_status table for a dashboard in another process): everything the header and the running
 * rows need that the chunk and event tables do not hold.
 */
export interface LiveStatus extends Omit<OrchestrationStatus, 'active'> {
  /** Epoch ms of this sample. */
  at: number;
  stopping: boolean;
  draining: boolean;
  maxConcurrentJobs: number;
  /** Run-wide budget in bytes/s for the current profile; 0 = unlimited. */
  bandwidthBytesPerSec: number;
  /** Bytes per second over the last minute (or since the start, when shorter). */
  minuteBytesPerSecond?: number;
  /** [epoch ms, bytes/s] once a second, for the last minute: the throughput chart. */
  rateHistory: [number, number][];
  active: LiveChunk[];
}

/** Samples kept: one minute at one a second, plus the one the first rate is measured from. */
const HISTORY = 61;

type StatusSource = Pick<Orchestrator, 'getStatus' | 'controlSettings' | 'state'>;

/**
 * Samples the orchestrator once a second into a LiveStatus, keeps the last one in memory and
 * hands it to `sink` (the state database), so any dashboard can follow the run. A sink that
 * fails is logged once and never fails the run.
 */
export class StatusPublisher {
  private latest?: LiveStatus;
  private readonly samples: { at: number; bytes: number }[] = [];
  private readonly chunkSamples = new Map<string, { at: number; bytes: number }>();
  private timer?: NodeJS.Timeout;
  private sinkFailed = false;

  constructor(
    private readonly orch: StatusSource,
    private readonly sink: (status: LiveStatus) => void,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(intervalMs = 1000): this {
    this.timer = setInterval(() => this.publish(), intervalMs);
    this.timer.unref();
    return this;
  }

  /** Takes a sample now (also the final one when the run ends) and publishes it. */
  publish(): LiveStatus {
    const status = this.sample();
    try {
      this.sink(status);
    } catch (err) {
      if (!this.sinkFailed) this.logger.warn({ err }, 'cannot publish the live status for dashboards');
      this.sinkFailed = true;
    }
    return status;
  }

  /** The newest sample, taken now when there is none yet. */
  current(): LiveStatus { return this.latest ?? this.sample(); }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private sample(): LiveStatus {
    const at = this.now();
    const s = this.orch.getStatus();
    const settings = this.orch.controlSettings();
    this.samples.push({ at, bytes: s.overallBytesComplete });
    if (this.samples.length > HISTORY) this.samples.shift();
    const rateHistory: [number, number][] = [];
    for (let i = 1; i < this.samples.length; i++) {
      const a = this.samples[i - 1]; const b = this.samples[i];
      if (b.at > a.at) rateHistory.push([b.at, Math.max(0, ((b.bytes - a.bytes) * 1000) / (b.at - a.at))]);
    }
    const first = this.samples[0];
    const span = at - first.at;
    const active = s.active.map((a): LiveChunk => {
      const prev = this.chunkSamples.get(a.chunkId);
      const rate = prev && at > prev.at ? Math.max(0, ((a.bytesCopied - prev.bytes) * 1000) / (at - prev.at)) : undefined;
      return { ...a, bytesPerSecond: rate };
    });
    this.chunkSamples.clear();
    for (const a of s.active) this.chunkSamples.set(a.chunkId, { at, bytes: a.bytesCopied });
    this.latest = {
      ...s, at, active,
      stopping: this.orch.state.stopRequested, draining: this.orch.state.drainRequested,
      maxConcurrentJobs: settings.maxConcurrentJobs, bandwidthBytesPerSec: settings.bandwidthBytesPerSec,
      minuteBytesPerSecond: span > 0 ? Math.max(0, ((s.overallBytesComplete - first.bytes) * 1000) / span) : undefined,
      rateHistory,
    };
    return this.latest;
  }
}
