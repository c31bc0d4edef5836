import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { UnrecoverableError, WaitingError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { CopyJob, CopyOptions, CopyProgress, CopyResult, Logger } from '../api';
import { emptyStats } from '../api';
import type { CopierRegistry } from '../engines/copier-registry';
import { startChunk } from '../orchestrator/chunk-root-guard';
import { fileListRefusal } from '../orchestrator/file-retry';
import { FileChildLedger, ledgerDir } from '../process/file-child-ledger';
import { reapLeftovers } from '../process/reap-leftovers';
import { RemoteFilesCollector, type RemoteResult } from './file-report';
import { fromJobData } from './job-data';
import { selfFenceAfterMs, type LockSettings } from './lock-settings';
import { DEFAULT_PREFIX, poolKeys, QUEUE_NAME, type PoolKeys } from './names';
import { mapRoot, type PathMapping } from './path-map';
import { readControl, type WorkerProgress } from './protocol';
import { redisOptions, type QueueAddress } from './redis-url';
import { removeHeartbeat, writeHeartbeat } from './worker-registry';

export interface WorkerHostOptions {
  address: QueueAddress;
  prefix?: string;
  slots: number;
  /** Run every chunk with this engine instead of the profile's. */
  engine?: string;
  pathMaps: PathMapping[];
  /** This worker's own folder: the child ledger (reaped at start) and the engines' logs. */
  stateDir: string;
  logger: Logger;
  lock: LockSettings;
  registry: CopierRegistry;
  /** ms between progress reports per running chunk (each is a Redis write and a stream entry). */
  progressMs?: number;
  /** ms between reads of a running chunk's control hash (how fast pause, stop, bandwidth arrive). */
  controlPollMs?: number;
  heartbeatMs?: number;
}

/** One chunk this worker is copying. */
interface Slot {
  copy?: CopyJob;
  startedAt: number;
  lastRenewal: number;
  suspended: boolean;
  bandwidth?: number;
  cancelled: boolean;
  /** Why this worker killed the copier on its own (lock lost): its result must not complete the job. */
  fenced?: string;
}

/**
 * How long a stopping worker waits for Redis to take its chunks back. Without Redis it then
 * leaves anyway, about 2 s later (docs/scale-out.md: SIGTERM while Redis is unreachable).
 */
const SHUTDOWN_WAIT_MS = 10_000;

/** True when `p` settled within `ms` (the timer never holds the process up). */
async function within(p: Promise<boolean> | undefined, ms: number): Promise<boolean> {
  if (!p) return true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((r) => { timer = setTimeout(() => r(false), ms); timer.unref(); });
  try {
    return await Promise.race([p, late]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function failedToStart(err: unknown): CopyResult {
  return {
    exitCode: -1, exitMeaning: { severity: 'Error', shouldRetry: true, message: `failed to start on worker ${os.hostname()}: ${(err as Error)?.message ?? String(err)}` },
    stats: emptyStats(), errors: [], durationMs: 0, killed: false,
  };
}

/**
 * `robocurse worker`: takes chunk attempts from the pool's queue and copies them with the local
 * engine, up to `slots` at once. Progress goes back as absolute counters tagged with the job's
 * epoch; the result goes back through BullMQ's lock-fenced completion. A chunk's control hash
 * is read every second (cancel, suspend, bandwidth). A copier never outlives its lock: when a
 * renewal fails, or none has succeeded for 0.8 × lockDuration (a frozen or cut-off worker), the
 * copier is killed before the chunk can run elsewhere, and its result is thrown away. Copiers
 * left by an earlier incarnation of this worker (SIGKILLed) are reaped before the first job.
 */
export class WorkerHost {
  readonly id: string;
  private readonly keys: PoolKeys;
  private readonly slots = new Map<string, Slot>();
  private worker?: Worker;
  private redis?: Redis;
  private ledger?: FileChildLedger;
  private timers: NodeJS.Timeout[] = [];
  private shuttingDown = false;
  private readonly startedAt = new Date().toISOString();

  constructor(private readonly o: WorkerHostOptions) {
    this.id = `${os.hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
    this.keys = poolKeys(o.prefix ?? DEFAULT_PREFIX);
  }

  async start(): Promise<void> {
    const { logger } = this.o;
    const children = ledgerDir(this.o.stateDir);
    const reaped = await reapLeftovers(children, logger);
    if (reaped.killed.length > 0) logger.warn(`reaped ${reaped.killed.length} copier process group(s) an earlier worker left: ${reaped.killed.join('; ')}`);
    this.ledger = new FileChildLedger(children, this.id, logger);
    const connection = redisOptions(this.o.address);
    this.redis = new Redis(connection);
    this.redis.on('error', (err) => logger.debug({ err }, `redis: ${err.message}`));
    await this.redis.ping();
    const { lockDurationMs, stalledIntervalMs, maxStalledCount } = this.o.lock;
    // Three declared parameters: BullMQ hands an AbortSignal only to a processor whose length is >= 3.
    const processor = (job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<CopyResult> => this.process(job, token, signal);
    this.worker = new Worker(QUEUE_NAME, processor, {
      connection: connection as unknown as ConnectionOptions, prefix: this.keys.prefix, name: this.id,
      concurrency: this.o.slots, lockDuration: lockDurationMs, stalledInterval: stalledIntervalMs, maxStalledCount,
      drainDelay: 1, autorun: false,
    });
    this.worker.on('error', (err) => logger.warn({ err }, `worker: ${err.message}`));
    this.worker.on('locksRenewed', ({ jobIds }) => {
      const now = Date.now();
      for (const id of jobIds) { const s = this.slots.get(id); if (s) s.lastRenewal = now; }
    });
    this.worker.on('lockRenewalFailed', (jobIds) => { for (const id of jobIds) this.fence(id, 'its lock could not be renewed'); });
    this.timers.push(setInterval(() => this.pollControls(), this.o.controlPollMs ?? 1000));
    // Its own, finer timer: the fence must fire between 0.8 × lockDuration and the lock's expiry.
    this.timers.push(setInterval(() => this.fenceStale(), Math.max(50, Math.floor(lockDurationMs / 20))));
    this.timers.push(setInterval(() => void this.heartbeat(), this.o.heartbeatMs ?? 2000));
    await this.heartbeat();
    void this.worker.run().catch((err: unknown) => logger.error({ err }, `worker stopped: ${(err as Error).message}`));
    logger.info(`worker ${this.id} takes chunks from ${this.o.address.display} with ${this.o.slots} slot(s)`);
  }

  private async heartbeat(): Promise<void> {
    if (!this.redis || this.shuttingDown) return;
    await writeHeartbeat(this.redis, this.keys, {
      id: this.id, host: os.hostname(), pid: process.pid, slots: this.o.slots, engine: this.o.engine ?? '(the profile\'s)',
      running: [...this.slots.keys()], lastHeartbeat: new Date().toISOString(), startedAt: this.startedAt,
    }, this.o.heartbeatMs ?? 2000).catch((err: unknown) => this.o.logger.debug({ err }, 'heartbeat not written'));
  }

  private async process(job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<RemoteResult> {
    const id = job.id!;
    const log = this.o.logger;
    const parsed = fromJobData(job.data, (r) => mapRoot(this.o.pathMaps, r));
    if (!parsed.ok) throw new UnrecoverableError(`worker ${this.id}: ${parsed.problem}`);
    const { data, chunk, roots, options } = parsed;
    const ctl = await readControl(this.redis!, this.keys.control(id));
    if (ctl.cancel) return { ...failedToStart('cancelled before it started'), killed: true };
    if (this.shuttingDown && token) {
      // Fetched while this worker began to stop: straight back to the queue, nothing started.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const slot: Slot = { startedAt: Date.now(), lastRenewal: Date.now(), suspended: false, bandwidth: ctl.bandwidth, cancelled: false };
    this.slots.set(id, slot);
    const engine = this.o.engine ?? data.engine;
    const files = new RemoteFilesCollector();
    const copyOptions: CopyOptions = {
      ...options,
      bandwidthBytesPerSec: ctl.bandwidth ?? options.bandwidthBytesPerSec,
      logPath: path.join(this.o.stateDir, 'logs', data.sessionId, `${id}.log`),
      logger: log, childLedger: this.ledger,
      onWarning: (code, message) => log.warn({ code, attemptId: id }, message),
      onFileAction: files.onFileAction, onDeletion: files.onDeletion,
    };
    let copy: CopyJob;
    try {
      const copier = this.o.registry.get(engine);
      // A retry of named files only, chosen for the profile's engine: one that cannot take the
      // list (another --engine here) must not copy, and mirror, the whole chunk instead.
      const cannot = options.onlyFiles && fileListRefusal(copier, chunk, options.onlyFiles);
      if (cannot) throw new Error(`engine ${engine} (--engine) cannot retry just the failed files of chunk ${chunk.id}: ${cannot}`);
      copy = startChunk(copier, chunk, copyOptions, data.guard ? roots : undefined, failedToStart);
    } catch (err) {
      this.slots.delete(id);
      return failedToStart(err);
    }
    slot.copy = copy;
    signal?.addEventListener('abort', () => this.fence(id, 'BullMQ cancelled it'));
    log.info({ attemptId: id, chunkId: chunk.id, bytesPerSec: copyOptions.bandwidthBytesPerSec ?? 0 }, `chunk ${chunk.id} (${chunk.relPath || '.'}) started with ${engine}`);
    const epoch = job.attemptsStarted;
    let latest: CopyProgress | undefined;
    const stopProgress = copy.onProgress((p) => { latest = p; });
    const sendProgress = (): void => {
      if (!latest || slot.fenced) return;
      const p: WorkerProgress = { attemptId: id, epoch, worker: this.id, bytesCopied: latest.bytesCopied, filesCopied: latest.filesCopied, ...(latest.currentFile ? { currentFile: latest.currentFile } : {}) };
      latest = undefined;
      job.updateProgress(p as unknown as object).catch((err: unknown) => log.debug({ err }, 'progress not sent'));
    };
    const progressTimer = setInterval(sendProgress, this.o.progressMs ?? 1000);
    let result: CopyResult;
    try {
      result = await copy.done;
    } finally {
      clearInterval(progressTimer);
      stopProgress();
      this.slots.delete(id);
    }
    if (!slot.fenced && !result.killed) sendProgress();
    log.info({ attemptId: id, exitCode: result.exitCode }, `chunk ${chunk.id}: ${result.exitMeaning.message}`);
    if (slot.fenced) throw new Error(`worker ${this.id} killed its copier: ${slot.fenced}`);
    if (result.killed && !slot.cancelled && this.shuttingDown && token) {
      // Handed back at once (no stall wait, no stall count): another worker takes the chunk.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    return { ...result, files: files.report() };
  }

  /** Kills a chunk's copier because this worker may no longer hold its lock. */
  private fence(id: string, why: string): void {
    const s = this.slots.get(id);
    if (!s || s.fenced) return;
    s.fenced = why;
    this.o.logger.warn({ attemptId: id }, `killing the copier of ${id}: ${why}`);
    void s.copy?.kill();
  }

  /**
   * Kills the copier of every chunk whose lock was not renewed for 0.8 × lockDuration. During a
   * partition BullMQ reports no failed renewal (the call just waits), so silence is the signal.
   */
  private fenceStale(): void {
    const fenceAfter = selfFenceAfterMs(this.o.lock);
    for (const [id, s] of this.slots) {
      const silent = Date.now() - s.lastRenewal;
      if (silent > fenceAfter) this.fence(id, `no lock renewal for ${(silent / 1000).toFixed(1)} s`);
    }
  }

  /** Applies each running chunk's control hash. */
  private pollControls(): void {
    for (const [id, s] of this.slots) {
      if (s.fenced) continue;
      void readControl(this.redis!, this.keys.control(id)).then((c) => {
        const copy = s.copy;
        if (!copy || s.fenced) return;
        if (c.cancel && !s.cancelled) { s.cancelled = true; this.o.logger.warn({ attemptId: id }, `stopping ${id}: cancelled by the coordinator`); void copy.kill(); return; }
        if (c.suspend !== s.suspended) { s.suspended = c.suspend; if (c.suspend) copy.suspend?.(); else copy.resume?.(); }
        if (c.bandwidth !== undefined && c.bandwidth !== s.bandwidth) {
          s.bandwidth = c.bandwidth;
          copy.setBandwidth?.(c.bandwidth);
          this.o.logger.info({ attemptId: id, bytesPerSec: c.bandwidth, live: typeof copy.setBandwidth === 'function' }, `bandwidth of ${id}: ${c.bandwidth === 0 ? 'unlimited' : `${c.bandwidth} B/s`}`);
        }
      }, (err: unknown) => this.o.logger.debug({ err }, 'control not read'));
    }
  }

  /**
   * SIGTERM/SIGINT: take no more chunks, kill the copiers (a suspended one is thawed first so it
   * can die), hand their chunks back to the queue, then leave. Resolves when all is closed.
   */
  async shutdown(reason: string): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.o.logger.warn(`worker ${this.id} stopping (${reason}): ${this.slots.size} running chunk(s) handed back`);
    for (const t of this.timers) clearInterval(t);
    const closing = this.worker?.close().then(() => true, () => true);
    await Promise.allSettled([...this.slots.values()].map((s) => { s.copy?.resume?.(); return s.copy?.kill(); }));
    // With Redis away, close() would wait for it forever; the copiers are dead by now, so leave
    // anyway: a chunk that could not be handed back is re-run elsewhere once its lock lapses.
    if (!(await within(closing, SHUTDOWN_WAIT_MS))) {
      this.o.logger.warn(`Redis at ${this.o.address.display} does not answer: leaving without handing the chunks back (they run again elsewhere once their locks lapse)`);
      await within(this.worker?.disconnect().then(() => true), 2000);
    }
    // Without Redis the entry cannot go; it expires on its own (a few heartbeats).
    if (this.redis?.status === 'ready') await within(removeHeartbeat(this.redis, this.keys, this.id).then(() => true, () => true), 2000);
    this.redis?.disconnect();
    await this.o.registry.closeAll();
  }
}
