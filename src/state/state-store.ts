import type Database from 'better-sqlite3';
import type { Chunk, ProfileResult, RunEvent, SessionOutcome, SnapshotInfo } from '../api';
import * as attempts from './attempt-records';
import * as chunkHistory from './chunk-history';
import * as chunks from './chunk-records';
import * as commands from './command-queue';
import * as dashboard from './dashboard-queries';
import type { LockHolder } from './errors';
import * as events from './event-log';
import * as failedFiles from './failed-files';
import { openDatabase, type OpenDatabaseOptions } from './open-database';
import { currentOwner } from './process-identity';
import * as locks from './profile-lock';
import * as profileRuns from './profile-runs';
import * as runs from './run-records';
import * as snapshots from './snapshot-records';
import * as sourceDevices from './source-devices';
import * as status from './status-query';
import { createStoreContext, type StoreContext } from './store-context';
import type {
  AttemptInput, AttemptRecordRow, BeginProfileRunOptions, BeginProfileRunResult, BeginRunInput, ChunkDurationStats, ChunkFailure, ChunkRecord,
  ChunkStatus, ChunkSuccess, CommandTarget, ControlCommand, ProfileRunEnd, ProfileRunRecord, RunRecord, SnapshotRecord,
  SourceDeviceRecord, StoredCommand,
} from './types';

export interface StateStoreOptions extends OpenDatabaseOptions {
  /** Clock for timestamps (tests). */
  clock?: () => Date;
}

/**
 * The checkpoint and history of robocurse: one SQLite file per state directory, shared by every
 * robocurse process that uses that directory. Each method is one transaction; none keeps a
 * transaction open across calls, so other processes can read and write between them.
 * Not thread-safe: one instance per thread (better-sqlite3 connections are synchronous).
 */
export class StateStore {
  private readonly ctx: StoreContext;
  private closed = false;

  private constructor(private readonly db: Database.Database, clock?: () => Date) {
    this.ctx = createStoreContext(db, clock);
  }

  /** Opens `<stateDir>/robocurse.db`, creating and migrating it; throws StateError when it cannot. */
  static open(stateDir: string, options: StateStoreOptions = {}): StateStore {
    return new StateStore(openDatabase(stateDir, options), options.clock);
  }

  /** The database file (for messages). */
  get file(): string {
    return this.db.name;
  }

  /** Closes the connection (checkpointing the WAL when this is the last connection). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  /**
   * Runs `fn` as one write transaction, so several writes cost one commit (one fsync). Store
   * methods called inside become savepoints: one that throws rolls back only its own writes.
   */
  batch<T>(fn: () => T): T { return this.ctx.write(fn); }

  // --- runs ---------------------------------------------------------------------------------

  /** Records the start of a session by this process (pid, host and start identity included). */
  beginRun(input: BeginRunInput): RunRecord { return runs.beginRun(this.ctx, input, currentOwner()); }

  /** Records how a session ended. */
  endRun(sessionId: string, outcome: SessionOutcome, exitCode: number): void { runs.endRun(this.ctx, sessionId, outcome, exitCode); }

  /** One run by session id. */
  getRun(sessionId: string): RunRecord | undefined { return runs.getRun(this.ctx, sessionId); }

  /** The newest run, or the newest that ran `profile`. */
  lastRun(profile?: string): RunRecord | undefined { return runs.lastRun(this.ctx, profile); }

  // --- profile runs and chunks ----------------------------------------------------------------

  /** Starts a profile run with its chunk plan; see profile-runs.ts for the resume rule. */
  beginProfileRun(sessionId: string, profile: string, fingerprint: string, plan: readonly Chunk[], options: BeginProfileRunOptions): BeginProfileRunResult {
    return profileRuns.beginProfileRun(this.ctx, sessionId, profile, fingerprint, plan, options);
  }

  /** Ends a profile run with its result; totals are computed from its chunk rows. */
  endProfileRun(profileRunId: number, result: ProfileResult, end?: ProfileRunEnd): ProfileRunRecord { return profileRuns.endProfileRun(this.ctx, profileRunId, result, end); }

  /** The newest profile run of `profile` in a real (not dry) run, e.g. to estimate its size before the scan. */
  lastRealProfileRun(profile: string): ProfileRunRecord | undefined { return profileRuns.lastRealProfileRun(this.ctx, profile); }

  getProfileRun(profileRunId: number): ProfileRunRecord | undefined { return profileRuns.getProfileRun(this.ctx, profileRunId); }

  /** Marks attempt `attempt` (1-based) of a chunk as started, with the engine log it writes. */
  markChunkRunning(profileRunId: number, chunkId: string, attempt: number, logPath?: string): void { chunks.markChunkRunning(this.ctx, profileRunId, chunkId, attempt, logPath); }

  /** Takes back the start of an attempt that never began: the chunk is Pending with `attempts` attempts made. */
  markChunkPending(profileRunId: number, chunkId: string, attempts: number): void { chunks.markChunkPending(this.ctx, profileRunId, chunkId, attempts); }

  /** Records a chunk done; throws STATE_NOT_A_SUCCESS unless severity is Success or Warning. */
  markChunkDone(profileRunId: number, chunkId: string, result: ChunkSuccess): void { chunks.markChunkDone(this.ctx, profileRunId, chunkId, result); }

  /** Records a failed attempt (retried later with markChunkRunning, or final). */
  markChunkFailed(profileRunId: number, chunkId: string, failure: ChunkFailure): void { chunks.markChunkFailed(this.ctx, profileRunId, chunkId, failure); }

  /** Records one attempt of a chunk and sets the chunk's counts to its totals over its attempts. */
  recordAttempt(profileRunId: number, chunkId: string, attempt: AttemptInput): void { attempts.recordAttempt(this.ctx, profileRunId, chunkId, attempt); }

  /** Sets the files a chunk's last attempt still failed (none: clears them). */
  replaceFailedFiles(profileRunId: number, chunkId: string, files: Parameters<typeof failedFiles.replaceFailedFiles>[3]): void { failedFiles.replaceFailedFiles(this.ctx, profileRunId, chunkId, files); }

  /** Every file still failing at the end of a session's chunks. */
  listFailedFiles(sessionId: string): failedFiles.FailedFileRow[] { return failedFiles.listFailedFiles(this.ctx, sessionId); }

  /** The attempts of a profile run (of one chunk, when given), in order. */
  listAttempts(profileRunId: number, chunkId?: string): AttemptRecordRow[] { return attempts.listAttempts(this.ctx, profileRunId, chunkId); }

  /** Stores what a completed chunk's destination looked like, for the resume check. */
  recordDestinationProbe(profileRunId: number, chunkId: string, probe: string): void { chunks.recordDestinationProbe(this.ctx, profileRunId, chunkId, probe); }

  /** Puts chunks carried as done back to Pending (their destination no longer agrees). */
  unskipChunks(profileRunId: number, chunkIds: readonly string[]): void { chunks.unskipChunks(this.ctx, profileRunId, chunkIds); }

  /** Where the profile's source lived at its last successful real run. */
  sourceDevice(profile: string): SourceDeviceRecord | undefined { return sourceDevices.getSourceDevice(this.ctx, profile); }

  /** Records where the profile's source lives (after a successful real run). */
  recordSourceDevice(rec: Omit<SourceDeviceRecord, 'recordedAt'>): void { sourceDevices.recordSourceDevice(this.ctx, rec); }

  /** Chunk rows of a profile run, optionally of one status. */
  listChunks(profileRunId: number, status?: ChunkStatus): ChunkRecord[] { return chunks.listChunks(this.ctx, profileRunId, status); }

  /** Count per status of a profile run's chunks. */
  chunkCounts(profileRunId: number): Record<ChunkStatus, number> { return chunks.chunkCounts(this.ctx, profileRunId); }

  /** Failed chunks of the newest real run of `profile` (for `robocurse retry-failed`). */
  failedChunksOfLastRun(profile: string): ChunkRecord[] {
    const last = profileRuns.lastRealProfileRun(this.ctx, profile);
    return last ? chunks.listChunks(this.ctx, last.id, 'Failed') : [];
  }

  /** The kept chunk history of a profile (of one engine, plus rows that predate engines), oldest first. */
  chunkHistory(profile: string, engine?: string): chunkHistory.ChunkHistoryRow[] { return chunkHistory.chunkHistoryRows(this.ctx, profile, engine); }

  /** Learnt throughput of a profile, overall and per chunk. */
  chunkDurationStats(profile: string): ChunkDurationStats { return chunkHistory.chunkDurationStats(this.ctx, profile); }

  // --- events -----------------------------------------------------------------------------------

  recordEvent(event: RunEvent): void { events.recordEvent(this.ctx, event); }

  /** Stores a batch of events in one transaction. */
  recordEvents(batch: readonly RunEvent[]): void { events.recordEvents(this.ctx, batch); }

  /** Events of a session after `afterSeq` (0 = from the start), in order. */
  readEventsSince(sessionId: string, afterSeq: number, limit?: number): RunEvent[] { return events.readEventsSince(this.ctx, sessionId, afterSeq, limit); }

  /** Deletes the events of all but the newest `keepSessions` sessions; returns how many went. */
  pruneEvents(keepSessions: number): number { return events.pruneEvents(this.ctx, keepSessions); }

  /** Deletes events older than `beforeIso` except those of the `keep` sessions; returns how many went. */
  pruneEventsBefore(beforeIso: string, keep: readonly string[]): number { return events.pruneEventsBefore(this.ctx, beforeIso, keep); }

  /** Sessions recorded as started and not ended (running, or died without ending), with their owner. */
  unendedSessions(): { sessionId: string; pid: number; host: string; identity: string | null }[] {
    return this.db.prepare('SELECT session_id AS sessionId, pid, host, proc_identity AS identity FROM runs WHERE ended_at IS NULL').all() as { sessionId: string; pid: number; host: string; identity: string | null }[];
  }

  /**
   * VACUUM when at least a quarter of the file is free pages (after a large prune) and the file
   * is over 1 MiB; returns whether it ran. It needs the database to itself: with another
   * connection writing it fails with SQLITE_BUSY, which the caller treats as "not now".
   */
  vacuumIfWorthwhile(): boolean {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    const size = pages * (this.db.pragma('page_size', { simple: true }) as number);
    if (size < 1 << 20 || free * 4 < pages) return false;
    this.db.exec('VACUUM');
    return true;
  }

  // --- commands ---------------------------------------------------------------------------------

  /** Queues a control command for a session or for whichever session runs a profile; returns its id. */
  enqueueCommand(target: CommandTarget, command: ControlCommand, argument?: string | number): number {
    return commands.enqueueCommand(this.ctx, target, command, argument);
  }

  /** Unapplied commands for this session (by id or by one of its profiles), oldest first. */
  pollCommands(sessionId: string, profiles: readonly string[]): StoredCommand[] { return commands.pollCommands(this.ctx, sessionId, profiles); }

  /** Claims a command as applied (or rejected, with `outcome`); false if another session already did. */
  markCommandApplied(commandId: number, outcome?: string): boolean { return commands.markCommandApplied(this.ctx, commandId, outcome); }

  /** Records the outcome of a command claimed by markCommandApplied. */
  setCommandOutcome(commandId: number, outcome: string): void { commands.setCommandOutcome(this.ctx, commandId, outcome); }

  getCommand(commandId: number): StoredCommand | undefined { return commands.getCommand(this.ctx, commandId); }

  // --- snapshots --------------------------------------------------------------------------------

  /** Records a snapshot just made; returns the row id. */
  recordSnapshot(sessionId: string, profile: string, info: SnapshotInfo, persistent = false): number {
    return snapshots.recordSnapshot(this.ctx, sessionId, profile, info, persistent);
  }

  markSnapshotDeleted(provider: string, snapshotId: string): void { snapshots.markSnapshotDeleted(this.ctx, provider, snapshotId); }

  /** Undeleted snapshots, whoever made them. */
  listLiveSnapshots(): SnapshotRecord[] { return snapshots.listLiveSnapshots(this.ctx); }

  /** Undeleted, non-persistent snapshots whose session ended or died: safe to delete. */
  listOrphanSnapshots(): SnapshotRecord[] { return snapshots.listOrphanSnapshots(this.ctx); }

  // --- locks ------------------------------------------------------------------------------------

  /** Takes the profile lock or throws ProfileLockedError; see profile-lock.ts. */
  acquireProfileLock(profile: string, sessionId?: string): locks.ProfileLock { return locks.acquireProfileLock(this.ctx, profile, sessionId); }

  /** Removes a profile lock whoever holds it (`robocurse unlock`). */
  breakProfileLock(profile: string): LockHolder | undefined { return locks.breakProfileLock(this.ctx, profile); }

  listProfileLocks(): ReturnType<typeof locks.listProfileLocks> { return locks.listProfileLocks(this.ctx); }

  // --- views for the CLI --------------------------------------------------------------------------

  /** Status of a session (default: the newest), consistent within itself. */
  status(sessionId?: string): status.SessionStatus | undefined { return status.sessionStatus(this.ctx, sessionId); }

  /** The newest `limit` sessions with their profile runs. */
  history(limit = 20): status.HistoryEntry[] { return status.runHistory(this.ctx, limit); }

  // --- views for the dashboard (see dashboard-queries.ts) ------------------------------------------

  chunkPage(sessionId: string, query: dashboard.ChunkPageQuery): dashboard.ChunkPage { return dashboard.chunkPage(this.ctx, sessionId, query); }

  findSessionChunk(sessionId: string, chunkId: string, profileRunId?: number): dashboard.SessionChunk | undefined {
    return dashboard.findSessionChunk(this.ctx, sessionId, chunkId, profileRunId);
  }

  problemChunks(sessionId: string, perGroup: number): ReturnType<typeof dashboard.problemChunks> { return dashboard.problemChunks(this.ctx, sessionId, perGroup); }

  eventsOfTypes(sessionId: string, types: readonly RunEvent['type'][], limit: number): RunEvent[] { return dashboard.eventsOfTypes(this.ctx, sessionId, types, limit); }

  latestEvents(sessionId: string, limit: number): RunEvent[] { return dashboard.latestEvents(this.ctx, sessionId, limit); }

  lastEventSeq(sessionId: string): number { return events.lastEventSeq(this.ctx, sessionId); }

  writeRunStatus(sessionId: string, json: string): void { dashboard.writeRunStatus(this.ctx, sessionId, json); }

  readRunStatus(sessionId: string): { updatedAt: string; json: string } | undefined { return dashboard.readRunStatus(this.ctx, sessionId); }

  doneBytes(profileRunId: number): number { return dashboard.doneBytes(this.ctx, profileRunId); }

  profileRunsOfSession(sessionId: string): ProfileRunRecord[] { return profileRuns.profileRunsOfSession(this.ctx, sessionId); }
}
