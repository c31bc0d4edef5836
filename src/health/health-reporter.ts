import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger, RunEvent } from '../api';
import { mkdirPrivate, PRIVATE_FILE_MODE } from '../fs/private-files';
import type { OrchestrationStatus } from '../orchestrator/types';
import { writeFileAtomic } from './atomic-file';
import type { HealthRecord } from './health-record';
import type { RunMetrics } from './run-metrics';

/** A health file nobody has touched for this long belongs to a session long gone: removed at start. */
const PRUNE_AFTER_MS = 7 * 24 * 3600 * 1000;
/**
 * The metrics file is meant for a collector (node_exporter's textfile collector) that may run as
 * another user of the file's group: owner read-write, group read, others nothing.
 */
export const METRICS_FILE_MODE = 0o640;

export interface HealthReporterOptions {
  healthFile: string;
  /** Also rewrite this Prometheus text file (`run --metrics-file`). */
  metricsFile?: string;
  metrics?: RunMetrics;
  intervalMs: number;
  sessionId: string;
  profiles: string[];
  status: () => OrchestrationStatus;
  logger: Logger;
  now?: () => number;
}

const orNull = (n: number | undefined): number | null => (n === undefined ? null : n);

/**
 * Writes the session's health file (and metrics file) every interval while it runs, and a last
 * time when it ends. A write that fails is logged once and retried at the next interval: health
 * reporting never fails a run.
 */
export class HealthReporter {
  private timer?: NodeJS.Timeout;
  private lastEvent?: RunEvent;
  private failures = 0;
  private final?: { outcome: string; exitCode: number };
  private readonly now: () => number;

  constructor(private readonly o: HealthReporterOptions) {
    this.now = o.now ?? Date.now;
  }

  observe(event: RunEvent): void {
    this.lastEvent = event;
    this.o.metrics?.observe(event);
  }

  start(): void {
    const dir = path.dirname(this.o.healthFile);
    try {
      mkdirPrivate(dir);
      for (const f of fs.readdirSync(dir)) this.pruneIfStale(path.join(dir, f));
    } catch (err) {
      this.o.logger.warn({ err, dir }, `health: cannot prepare ${dir}`);
    }
    void this.write();
    this.timer = setInterval(() => void this.write(), this.o.intervalMs);
    this.timer.unref();
  }

  /**
   * Another session sharing the state folder renames its temp files and prunes too: a name that
   * vanished between the listing and the lstat is already gone, not a failure of this folder.
   */
  private pruneIfStale(p: string): void {
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (st?.isFile() && this.now() - st.mtimeMs > PRUNE_AFTER_MS) fs.rmSync(p, { force: true });
  }

  /** The last write, with how the session ended; stops the timer. */
  async finish(outcome: string, exitCode: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.final = { outcome, exitCode };
    await this.write();
  }

  record(): HealthRecord {
    const s = this.o.status();
    return {
      format: 'robocurse.health/1', sessionId: this.o.sessionId, pid: process.pid, host: os.hostname(),
      state: this.final ? 'ended' : 'running', phase: s.phase, profile: s.currentProfile ?? null, profiles: this.o.profiles,
      updatedAt: new Date(this.now()).toISOString(), intervalSeconds: this.o.intervalMs / 1000,
      lastEventAt: this.lastEvent?.timestamp ?? null, lastEventType: this.lastEvent?.type ?? null,
      progress: {
        profilePercent: s.profileProgress, overallPercent: s.overallProgress, bytesComplete: s.bytesComplete, bytesTotal: s.bytesTotal,
        chunksComplete: s.chunksComplete, chunksTotal: s.chunksTotal, chunksFailed: s.chunksFailed, activeJobs: s.activeCount,
        queuedChunks: s.queuedCount, bytesPerSecond: orNull(s.bytesPerSecond), liveEtaSeconds: orNull(s.etaSeconds), learnedEtaSeconds: orNull(s.learnedEtaSeconds),
      },
      ...(this.final ?? {}),
    };
  }

  private async write(): Promise<void> {
    try {
      const rec = this.record();
      writeFileAtomic(this.o.healthFile, `${JSON.stringify(rec, null, 2)}\n`, PRIVATE_FILE_MODE);
      if (this.o.metricsFile && this.o.metrics) {
        this.o.metrics.setStatus(this.o.status());
        writeFileAtomic(this.o.metricsFile, await this.o.metrics.render(), METRICS_FILE_MODE);
      }
      this.failures = 0;
    } catch (err) {
      if (this.failures++ === 0) this.o.logger.warn({ err }, `health: cannot write ${this.o.healthFile}${this.o.metricsFile ? ` or ${this.o.metricsFile}` : ''}: ${(err as Error).message}`);
    }
  }
}
