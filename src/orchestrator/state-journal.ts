import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { Chunk, CopyResult, Logger, ProfileSummary, RunEvent } from '../api';
import type { ProfileConfig, RobocurseConfig } from '../config/types';
import { profileFingerprint, type StateStore } from '../state';
import type { ChunkTotals } from '../report/chunk-totals';
import type { ChunkHistoryRow } from '../state/chunk-history';
import type { AttemptRecord, RunJournal } from './run-journal';
import type { SourceDevice } from './source-device';
import type { FailedFile } from './file-retry';
import { rootRelative } from './failed-file-report';
import { briefError } from '../errors/brief-error';

/** Events are written in batches: one transaction per event would cost an fsync each. */
const EVENT_FLUSH_MS = 250;
const EVENT_BATCH = 200;
/**
 * Chunk results are group-committed at most this long after the engine reported them: one
 * fsync per group instead of one per chunk (1-2 ms each, which dominated runs of many small
 * chunks). A crash loses at most this window's completions, which then run again; a chunk is
 * still never on record as complete before its engine said so.
 */
const CHUNK_FLUSH_MS = 100;

/** An error's code as text ('' without one). */
function codeOf(err: unknown): string {
  return String((err as { code?: unknown } | null | undefined)?.code ?? '');
}

/** SQLite's codes for a database that cannot be written (its disk, a quota, I/O, a read-only or damaged file). */
function storageFailed(err: unknown): boolean {
  return /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB)/.test(codeOf(err));
}

/**
 * The RunJournal on the SQLite StateStore. Chunk outcomes are written synchronously, each in its
 * own transaction, before the orchestrator moves on: a chunk is on record as complete only once
 * its engine said so, and a crash loses at most the chunks in flight.
 */
export class StateJournal implements RunJournal {
  private readonly profileRunIds = new Map<string, number>();
  private readonly expected = new Map<string, number | undefined>();
  private events: RunEvent[] = [];
  private timer?: NodeJS.Timeout;
  private sessionId = '';
  private chunkWrites: (() => void)[] = [];
  private chunkTimer?: NodeJS.Timeout;
  /** Why the database could not be written, once a write failed (RunJournal.onWriteFailure). */
  private broken?: string;
  onWriteFailure?: (message: string) => void;

  constructor(private readonly store: StateStore, private readonly cfg: RobocurseConfig, private readonly logger: Logger) {}

  beginRun(info: { sessionId: string; profiles: string[]; dryRun: boolean }): void {
    this.sessionId = info.sessionId;
    const configHash = createHash('sha256').update(this.cfg.sourceText ?? fs.readFileSync(this.cfg.configPath)).digest('hex').slice(0, 16);
    this.named(() => this.store.beginRun({ sessionId: info.sessionId, configHash, configPath: this.cfg.configPath, dryRun: info.dryRun, logDir: this.cfg.global.logDir }));
  }

  beginProfile(profile: ProfileConfig, chunks: Chunk[], opts: { resume: boolean; dryRun: boolean }): { completedChunkIds: Set<string>; resumedFrom?: string } {
    const r = this.named(() => this.store.beginProfileRun(this.sessionId, profile.name, profileFingerprint(profile), chunks, { resume: opts.resume && !opts.dryRun }));
    this.profileRunIds.set(profile.name, r.profileRunId);
    if (r.resumedFrom !== undefined) this.logger.info({ profile: profile.name, resumedFrom: r.resumedFrom }, `resuming profile ${profile.name}: ${r.completedChunkIds.size} of ${chunks.length} chunks already done`);
    else if (opts.resume && r.notResumedBecause) this.logger.debug({ profile: profile.name }, `not resuming: ${r.notResumedBecause}`);
    return { completedChunkIds: r.completedChunkIds, resumedFrom: r.resumedFrom !== undefined ? String(r.resumedFrom) : undefined };
  }

  private runId(profile: string): number {
    const id = this.profileRunIds.get(profile);
    if (id === undefined) throw new Error(`journal: profile ${profile} has no profile run`);
    return id;
  }

  chunkStarted(profile: string, chunk: Chunk, attempt: number, logPath?: string): void {
    const id = this.runId(profile);
    this.queueChunkWrite(() => this.store.markChunkRunning(id, chunk.id, attempt, logPath));
  }

  chunkFinished(profile: string, chunk: Chunk, status: 'Complete' | 'CompleteWithWarnings' | 'Failed', result: CopyResult, attempts?: number, totals?: ChunkTotals, failedFiles?: readonly FailedFile[]): void {
    const id = this.runId(profile);
    const base = {
      exitCode: result.exitCode, severity: result.exitMeaning.severity, durationMs: result.durationMs,
      filesCopied: totals?.filesCopied ?? result.stats.filesCopied, bytesCopied: totals?.bytesCopied ?? result.stats.bytesCopied,
      attemptFilesCopied: result.stats.filesCopied, attemptBytesCopied: result.stats.bytesCopied,
    };
    if (status === 'Failed') this.queueChunkWrite(() => this.store.markChunkFailed(id, chunk.id, { ...base, message: result.exitMeaning.message }));
    else this.queueChunkWrite(() => this.store.markChunkDone(id, chunk.id, { ...base, message: result.exitMeaning.message, engine: this.cfg.profiles.find((p) => p.name === profile)?.engine }));
    // Also with none: a chunk retried by hand (retry-chunk) that now completes has none left.
    const severity = status === 'Failed' ? 'Error' : 'Warning';
    const rows = (failedFiles ?? []).map((f) => ({ path: rootRelative(chunk, f), error: f.error, severity, attempts: attempts ?? totals?.attempts ?? 1 } as const));
    this.queueChunkWrite(() => this.store.replaceFailedFiles(id, chunk.id, rows));
  }

  chunkWithdrawn(profile: string, chunk: Chunk, attempt: number): void {
    const id = this.runId(profile);
    this.queueChunkWrite(() => this.store.markChunkPending(id, chunk.id, attempt - 1));
  }

  attemptFinished(profile: string, chunk: Chunk, a: AttemptRecord): void {
    const id = this.runId(profile);
    const r = a.result;
    // Now, not when the batch is written: the attempt ended before the next one starts.
    const finishedAt = new Date().toISOString();
    this.queueChunkWrite(() => this.store.recordAttempt(id, chunk.id, {
      attempt: a.attempt, startedAt: new Date(a.startedAt).toISOString(), finishedAt, durationMs: r.durationMs, exitCode: r.exitCode,
      severity: r.exitMeaning.severity, killed: r.killed, message: r.exitMeaning.message, stats: r.stats, totals: a.totals,
      ...(a.onlyFiles !== undefined ? { onlyFiles: a.onlyFiles } : {}),
    }));
  }

  private queueChunkWrite(write: () => void): void {
    if (this.broken) return;
    this.chunkWrites.push(write);
    if (!this.chunkTimer) {
      this.chunkTimer = setTimeout(() => this.flushChunks(), CHUNK_FLUSH_MS);
      this.chunkTimer.unref();
    }
  }

  /** Commits the queued chunk writes in one transaction, in the order they happened. */
  flushChunks(): void {
    if (this.chunkTimer) { clearTimeout(this.chunkTimer); this.chunkTimer = undefined; }
    if (this.chunkWrites.length === 0) return;
    const writes = this.chunkWrites;
    this.chunkWrites = [];
    // The commit failing (a full disk, an I/O error) loses the whole group: nothing more can be
    // recorded, and the run stops (onWriteFailure) instead of ending in an uncaught exception.
    this.guard(() => this.store.batch(() => {
      for (const w of writes) {
        // Each write is a savepoint: one that fails is logged and leaves the others in place.
        try { w(); } catch (err) { this.logger.error({ err }, 'could not record a chunk result in the state database'); }
      }
    }));
  }

  /** What a failed write says: the database, where it is configured, SQLite's reason and code. */
  private describe(err: unknown): string {
    return `the state database ${this.store.file} (global.stateDir) cannot be written: ${briefError(err)}`;
  }

  /** A write whose failure fails the caller (a run or profile that cannot be recorded does not start), named. */
  private named<T>(write: () => T): T {
    try {
      return write();
    } catch (err) {
      if (!codeOf(err).startsWith('SQLITE_')) throw err;
      throw new Error(this.describe(err), { cause: err });
    }
  }

  /**
   * Runs a write; when it fails, says once why nothing more is recorded, and stops the run.
   * With `otherwise`, an error that is not the database's storage failing goes there instead.
   */
  private guard(write: () => void, otherwise?: (err: unknown) => void): void {
    if (this.broken) return;
    try {
      write();
    } catch (err) {
      if (otherwise && !storageFailed(err)) { otherwise(err); return; }
      this.broken = this.describe(err);
      this.logger.error({ err }, `${this.broken}; the run stops, since what it copies from now on could not be resumed`);
      this.chunkWrites = [];
      this.events = [];
      this.onWriteFailure?.(this.broken);
    }
  }

  endProfile(summary: ProfileSummary): void {
    this.flushChunks();
    const id = this.profileRunIds.get(summary.profile);
    if (id !== undefined) this.guard(() => this.store.endProfileRun(id, summary.result, { error: summary.refused ?? summary.circuitBreaker ?? summary.error, extrasRemoved: summary.extrasRemoved }));
  }

  destinationProbes(profile: string): Map<string, string | null> {
    return new Map(this.store.listChunks(this.runId(profile), 'Skipped').map((c) => [c.chunkId, c.destProbe]));
  }

  recordDestinationProbe(profile: string, chunkId: string, probe: string): void {
    const id = this.runId(profile);
    this.queueChunkWrite(() => this.store.recordDestinationProbe(id, chunkId, probe));
  }

  unskipChunks(profile: string, chunkIds: string[]): void {
    this.store.unskipChunks(this.runId(profile), chunkIds);
  }

  sourceDevice(profile: string, source: string): SourceDevice | undefined {
    const r = this.store.sourceDevice(profile);
    return r && r.source === source ? { device: r.device, fsType: r.fsType, mountPoint: r.mountPoint, mountSource: r.mountSource } : undefined;
  }

  recordSourceDevice(profile: string, source: string, device: SourceDevice): void {
    try { this.store.recordSourceDevice({ profile, source, sessionId: this.sessionId, ...device }); } catch (err) {
      this.logger.error({ err, profile }, 'could not record the source file system in the state database');
    }
  }



  recordEvent(event: RunEvent): void {
    if (this.broken) return;
    this.events.push(event);
    if (this.events.length >= EVENT_BATCH) this.flushEvents();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flushEvents(), EVENT_FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes buffered events now (also called at the end of the run). */
  flushEvents(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (this.events.length === 0) return;
    const batch = this.events;
    this.events = [];
    // Events are the run's telemetry: only a database that cannot be written stops the run.
    this.guard(() => this.store.recordEvents(batch), (err) => this.logger.error({ err }, `could not store ${batch.length} events in the state database`));
  }

  /** The kept chunk history of a profile and engine (the learnt ETA, src/eta). */
  chunkHistory(profile: string, engine: string): ChunkHistoryRow[] {
    this.flushChunks();
    return this.store.chunkHistory(profile, engine);
  }

  /** Asked on every status refresh: read once per profile and session. */
  expectedBytes(profile: string): number | undefined {
    if (!this.expected.has(profile)) this.expected.set(profile, this.store.lastRealProfileRun(profile)?.bytesTotal);
    return this.expected.get(profile);
  }

  endRun(info: { outcome: string; exitCode: number }): void {
    this.flushChunks();
    this.flushEvents();
    this.guard(() => this.store.endRun(this.sessionId, info.outcome as Parameters<StateStore['endRun']>[1], info.exitCode));
  }
}
