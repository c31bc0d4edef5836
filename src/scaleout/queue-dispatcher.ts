import { Queue, QueueEvents, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { CopyJob, CopyResult, Logger } from '../api';
import { emptyStats } from '../api';
import { killedExitMeaning, KILLED_EXIT_CODE } from '../engines/exit-meaning';
import type { ChunkAttempt, ChunkDispatcher } from '../orchestrator/chunk-dispatcher';
import { CoordinatorLease } from './coordinator-lease';
import { toJobData } from './job-data';
import { DEFAULT_LOCK_SETTINGS, type LockSettings } from './lock-settings';
import { attemptId, DEFAULT_PREFIX, poolKeys, QUEUE_NAME, type PoolKeys } from './names';
import { writeControl } from './protocol';
import { redisOptions, type QueueAddress } from './redis-url';
import { replayRemoteFiles, type RemoteResult } from './file-report';
import { RemoteCopyJob } from './remote-copy-job';

export interface QueueDispatcherOptions {
  address: QueueAddress;
  sessionId: string;
  logger: Logger;
  prefix?: string;
  /** The workers' lock settings: how long a worker may be silent before its chunk is someone else's. */
  lock?: LockSettings;
  /** How often every tracked attempt's job state is read back (a net under best-effort events); ms. */
  reconcileMs?: number;
  /**
   * How long Redis may stay unreachable before the coordinator gives up on the attempts it handed
   * over (global.queueOutageSeconds); ms, 0 = wait for Redis however long it takes.
   */
  outageLimitMs?: number;
}

const DAY_S = 24 * 3600;
const STALLED_REASON = /stalled more than allowable limit/i;

/**
 * A result for an attempt that ended without an engine result: worker lost, job gone, bad data
 * (retried), cancelled (`killed`), or given up on in a long outage (`retry: false`: the next
 * attempt would wait the same).
 */
function noResult(message: string, startedAt: Date, o: { killed?: boolean; retry?: boolean } = {}): CopyResult {
  const killed = o.killed ?? false;
  return {
    exitCode: KILLED_EXIT_CODE, exitMeaning: killed ? killedExitMeaning() : { severity: 'Error', shouldRetry: o.retry ?? true, message },
    stats: emptyStats(), errors: [], durationMs: Date.now() - startedAt.getTime(), killed,
  };
}

/** How long close() waits for Redis in all when it is unreachable: closing must not hold a finished run. */
const CLOSE_WAIT_MS = 3000;

/**
 * Runs chunk attempts on `robocurse worker` processes through one BullMQ queue: one job per
 * attempt (id `<session>.<chunk>.a<n>`, attempts 1: the orchestrator decides retries from the
 * exit meaning, as for local jobs). The orchestrator has journalled the attempt before start()
 * is called, so a coordinator that dies after the add finds the chunk unfinished on resume.
 * Completion comes from QueueEvents and, because events are best-effort, from reading every
 * tracked job's state back every few seconds; finished jobs stay in Redis for days, so a result
 * is never gone before it is read.
 */
export class QueueDispatcher implements ChunkDispatcher {
  private readonly tracked = new Map<string, RemoteCopyJob>();
  /** Jobs whose add has returned (reconciling an id whose add is still under way would call it lost). */
  private readonly added = new Set<string>();
  private reconcileTimer?: NodeJS.Timeout;
  private closed?: Promise<void>;
  /** Set when another process took the pool's lease: then two runs would share one queue, so nothing more is added. */
  private leaseLost?: string;
  private readonly keys: PoolKeys;
  private readonly lock: LockSettings;
  /** Since when Redis has been unreachable (epoch ms), as the connection's state tells. */
  private unreachableSince?: number;
  /** Set once the outage outlasted outageLimitMs: every attempt ends, and no new one is added. */
  private outage?: string;
  /** Set by a drain: attempts still waiting in Redis are taken back, each told to this callback first. */
  private withdrawing?: (job: CopyJob) => void;
  /** Pause and resume of the queue, in the order they were asked for. */
  private pauseChain: Promise<void> = Promise.resolve();

  private constructor(
    private readonly o: QueueDispatcherOptions,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly redis: Redis,
    private readonly lease: CoordinatorLease,
  ) {
    this.keys = poolKeys(o.prefix ?? DEFAULT_PREFIX);
    this.lock = o.lock ?? DEFAULT_LOCK_SETTINGS;
  }

  /**
   * Connects, takes the pool's coordinator lease (throws ProfileLockedError when another
   * coordinator holds it), and clears what a killed coordinator left: its waiting jobs are
   * removed and its running ones cancelled, so no chunk of a dead run is copied beside this one.
   */
  static async open(o: QueueDispatcherOptions): Promise<QueueDispatcher> {
    const prefix = o.prefix ?? DEFAULT_PREFIX;
    const connection = redisOptions(o.address);
    const redis = new Redis({ ...connection, lazyConnect: true });
    // While Redis restarts every command waits (maxRetriesPerRequest null); the errors are only news of that.
    redis.on('error', (err) => o.logger.debug({ err }, `redis: ${err.message}`));
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      redis.disconnect();
      throw new Error(`cannot reach the queue at ${o.address.display}: ${(err as Error).message}`);
    }
    const lock = o.lock ?? DEFAULT_LOCK_SETTINGS;
    const lease = new CoordinatorLease(redis, poolKeys(prefix).lease, Math.max(3000, Math.min(30_000, lock.lockDurationMs)), o.logger);
    try {
      await lease.acquire(o.sessionId);
    } catch (err) {
      redis.disconnect();
      throw err;
    }
    // ioredis' own option type is stricter than BullMQ's copy of it; the object is the same.
    const bull = connection as unknown as ConnectionOptions;
    const queue = new Queue(QUEUE_NAME, { connection: bull, prefix, streams: { events: { maxLen: 100_000 } } });
    const events = new QueueEvents(QUEUE_NAME, { connection: bull, prefix });
    queue.on('error', (err) => o.logger.warn({ err }, `queue: ${err.message}`));
    events.on('error', (err) => o.logger.warn({ err }, `queue events: ${err.message}`));
    const d = new QueueDispatcher(o, queue, events, redis, lease);
    lease.onLost((why) => { d.leaseLost = why; o.logger.error(`${why}: this coordinator starts no more chunks`); });
    try {
      await events.waitUntilReady();
      await d.clearLeftovers();
      // A coordinator killed while its run was paused left the queue paused.
      await queue.resume();
    } catch (err) {
      await d.close();
      throw err;
    }
    d.listen();
    return d;
  }

  private async clearLeftovers(): Promise<void> {
    const waiting = await this.queue.getJobs(['waiting', 'delayed', 'prioritized']);
    for (const j of waiting) await j.remove().catch(() => undefined);
    const active = await this.queue.getJobs(['active']);
    for (const j of active) if (j.id) await writeControl(this.redis, this.keys.control(j.id), { cancel: '1' });
    if (waiting.length + active.length > 0) {
      this.o.logger.warn(`queue ${this.o.address.display}: removed ${waiting.length} waiting job(s) and cancelled ${active.length} running job(s) of an earlier coordinator`);
    }
    // Cancelled leftovers end within a control poll; wait (bounded by one lock period) so that no chunk is copied twice at once.
    const deadline = Date.now() + this.lock.lockDurationMs + this.lock.stalledIntervalMs;
    while (active.length > 0 && Date.now() < deadline && (await this.queue.getActiveCount()) > 0) await new Promise((r) => setTimeout(r, 250));
  }

  private listen(): void {
    this.events.on('progress', ({ jobId, data }) => { this.tracked.get(jobId)?.accept(data); });
    this.events.on('completed', ({ jobId }) => { void this.settleFromRedis(jobId); });
    this.events.on('failed', ({ jobId }) => { void this.settleFromRedis(jobId); });
    this.reconcileTimer = setInterval(() => {
      if (this.checkOutage()) return;
      for (const id of this.added) void this.settleFromRedis(id);
    }, this.o.reconcileMs ?? 2000);
    this.reconcileTimer.unref();
  }

  /**
   * Follows the connection's state; true once Redis has been unreachable for longer than
   * outageLimitMs. Then every attempt handed over ends as a failure that is not retried (its
   * worker, cut off as well, loses its lock and kills its copier: docs/scale-out.md), so the run
   * ends with those chunks not done instead of waiting for ever.
   */
  private checkOutage(): boolean {
    if (this.outage) return true;
    const limit = this.o.outageLimitMs ?? 0;
    if (this.redis.status === 'ready') { this.unreachableSince = undefined; return false; }
    this.unreachableSince ??= Date.now();
    if (limit <= 0 || Date.now() - this.unreachableSince < limit) return false;
    this.outage = `the queue at ${this.o.address.display} was unreachable for more than ${Math.round(limit / 1000)} s (global.queueOutageSeconds): this chunk is not done`;
    this.o.logger.error(`${this.outage}; giving up on ${this.tracked.size} attempt(s)`);
    for (const job of this.tracked.values()) if (!job.isSettled) job.settle(noResult(this.outage, job.startedAt, { retry: false }));
    return true;
  }

  setPaused(paused: boolean): void {
    this.pauseChain = this.pauseChain
      .then(() => (paused ? this.queue.pause() : this.queue.resume()))
      .catch((err: unknown) => this.o.logger.warn({ err }, `cannot ${paused ? 'pause' : 'resume'} the queue at ${this.o.address.display}: ${(err as Error)?.message ?? String(err)}`));
  }

  start(a: ChunkAttempt, startFailure: (err: unknown) => CopyResult): CopyJob {
    const id = attemptId(a.sessionId, a.chunk.id, a.attempt);
    const job = new RemoteCopyJob(a.chunk, id, { cancel: (i) => this.cancel(i), control: (i, f) => this.control(i, f) },
      { onFileAction: a.options.onFileAction, onDeletion: a.options.onDeletion });
    this.tracked.set(id, job);
    void job.done.then(() => { this.tracked.delete(id); this.added.delete(id); });
    if (this.leaseLost) {
      job.settle(startFailure(new Error(this.leaseLost)));
      return job;
    }
    if (this.outage) {
      job.settle(noResult(this.outage, job.startedAt, { retry: false }));
      return job;
    }
    const data = toJobData(a, id);
    const bw = a.options.bandwidthBytesPerSec;
    // The control hash first: a worker that fetches the job at once reads the right share.
    void writeControl(this.redis, this.keys.control(id), { cancel: '0', suspend: '0', bandwidth: String(bw ?? 0) })
      .then(() => this.queue.add(data.engine, data, {
        jobId: id, attempts: 1, removeOnComplete: { age: 7 * DAY_S }, removeOnFail: { age: 30 * DAY_S },
      }))
      .then(() => {
        if (job.isSettled) return;
        this.added.add(id);
        // Added while a drain began: it must not begin either.
        if (this.withdrawing) void this.withdraw(id, this.withdrawing);
      })
      .catch((err: unknown) => job.settle(startFailure(new Error(`cannot add chunk ${a.chunk.id} to the queue at ${this.o.address.display}: ${(err as Error)?.message ?? String(err)}`))));
    return job;
  }

  withdrawWaiting(withdrawn: (job: CopyJob) => void, most?: number): void {
    if (most === undefined) {
      // A drain: also what is still being added.
      this.withdrawing = withdrawn;
      for (const id of this.added) void this.withdraw(id, withdrawn);
      return;
    }
    // A lower job cap: the newest first, they are the likeliest to wait still.
    const ids = [...this.added].reverse();
    void (async () => {
      let taken = 0;
      for (const id of ids) if (taken < most && (await this.withdraw(id, withdrawn))) taken++;
    })();
  }

  /**
   * Takes one attempt back from the queue if no worker has taken it yet. BullMQ refuses to remove
   * a job a worker has locked, so an attempt fetched in between runs to its end like the others.
   */
  private async withdraw(id: string, withdrawn: (job: CopyJob) => void): Promise<boolean> {
    const job = this.tracked.get(id);
    if (!job || job.isSettled) return false;
    try {
      const j = await this.queue.getJob(id);
      const state = await j?.getState();
      if (!j || (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized')) return false;
      if (!(await j.remove().then(() => true, () => false))) return false;
      withdrawn(job);
      job.settle(noResult('taken back from the queue before any worker began it', job.startedAt, { killed: true }));
      return true;
    } catch (err) {
      this.o.logger.warn({ err, attemptId: id }, `cannot take attempt ${id} back from the queue at ${this.o.address.display}: ${(err as Error).message}; it may still run`);
      return false;
    }
  }

  /** Reads one job back and settles its attempt when BullMQ has it finished (or has lost it). */
  private async settleFromRedis(id: string): Promise<void> {
    const job = this.tracked.get(id);
    if (!job || job.isSettled || !this.added.has(id)) return;
    try {
      // The state first, then the job: read the other way round, a job that finishes in between
      // would be 'completed' with the returnvalue of the moment before (none).
      const state = await this.queue.getJobState(id);
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return;
      const j = await this.queue.getJob(id);
      // The completed event and the periodic read-back can both be here for one job: the first
      // to arrive settles it (and replays its per-file reports); the other must do nothing.
      if (job.isSettled) return;
      if (!j || state === 'unknown') {
        job.settle(noResult(`the job of this attempt disappeared from the queue at ${this.o.address.display} (Redis lost data?)`, job.startedAt));
        return;
      }
      const where = j.processedBy ? ` on worker ${j.processedBy}` : '';
      if (state === 'completed') {
        const r = j.returnvalue as RemoteResult | null;
        if (!(r && typeof r === 'object' && r.exitMeaning && r.stats)) {
          job.settle(noResult(`the worker${where} returned no copy result`, job.startedAt));
          return;
        }
        const { files, ...result } = r;
        const omitted = replayRemoteFiles(files, job.reports);
        if (omitted > 0) this.o.logger.warn({ attemptId: id, omitted }, `attempt ${id}: ${omitted} per-file report(s) of copied or skipped files were not sent back; they are in the engine log on worker ${j.processedBy ?? '?'}`);
        job.settle(result);
        return;
      }
      const reason = j.failedReason ?? 'unknown reason';
      job.settle(noResult(STALLED_REASON.test(reason)
        ? `the worker running this chunk was lost more than ${this.lock.maxStalledCount} time(s)${where}`
        : `the attempt failed${where}: ${reason}`, job.startedAt));
    } catch (err) {
      this.o.logger.debug({ err, attemptId: id }, 'cannot read a job back from the queue (will try again)');
    }
  }

  private control(id: string, fields: Partial<Record<'suspend' | 'bandwidth', string>>): void {
    writeControl(this.redis, this.keys.control(id), fields)
      .catch((err: unknown) => this.o.logger.warn({ err, attemptId: id }, `cannot send ${Object.keys(fields).join(', ')} to attempt ${id}: ${(err as Error).message}`));
  }

  /**
   * Stop for one attempt: a job no worker took yet is removed (it never ran); a running one is
   * cancelled through its control hash, and its worker kills the copier and reports the killed
   * result. A worker that does not confirm within a lock period plus a stall check is reported
   * (kill rejects) rather than presumed dead.
   */
  private async cancel(id: string): Promise<void> {
    const job = this.tracked.get(id);
    await writeControl(this.redis, this.keys.control(id), { cancel: '1' });
    const j = await this.queue.getJob(id);
    if (j && job && !job.isSettled) {
      const state = await j.getState();
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
        // remove() refuses a job a worker locked in between; then the worker sees the cancel.
        if (await j.remove().then(() => true, () => false)) job.settle(noResult('', job.startedAt, { killed: true }));
      }
    }
    if (!job || job.isSettled) return;
    const limit = this.lock.lockDurationMs + this.lock.stalledIntervalMs + 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no worker confirmed the cancel of attempt ${id} within ${Math.round(limit / 1000)} s`)), limit); });
    try {
      await Promise.race([job.done, timeout]);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      if (this.reconcileTimer) clearInterval(this.reconcileTimer);
      // Commands wait while Redis is away: bounded here, so a run the outage ended still exits.
      // One deadline for all the steps, not one each: with Redis gone every step would wait it
      // out in turn, and the run the outage ended would hang on four times as long.
      const deadline = Date.now() + CLOSE_WAIT_MS;
      const bounded = (p: Promise<unknown>): Promise<unknown> => Promise.race([p, new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref())]);
      // A run stopped while paused must not leave the queue paused for the next one.
      await bounded(this.pauseChain.then(() => this.queue.resume()).catch(() => undefined));
      await bounded(this.lease.release());
      await bounded(Promise.allSettled([this.events.close(), this.queue.close()]));
      await bounded(Promise.allSettled([this.events.disconnect(), this.queue.disconnect()]));
      this.redis.disconnect();
    })();
    return this.closed;
  }
}
