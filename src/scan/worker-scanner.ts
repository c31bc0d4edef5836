import * as os from 'node:os';
import * as path from 'node:path';
import type { DirTree, ScanError, Scanner, ScanOptions, SkippedLink } from '../api';
import { HardLinkCollector } from './hard-link-groups';
import { AbortError } from './abort-error';
import { scanPoolKind, type ScanTask, type ScanTaskResult } from './scan-protocol';
import { poolFor, type WorkerPool, type WorkerPools } from '../workers';
import { TreeBuilder } from './tree-builder';
import { worthComparing } from './compare-copy';
import { buildDigestTable } from '../fs/digest-table';
import { withUnchangedTable } from '../fs/unchanged-table';
import { KeptIndexBuilder, newArena } from '../fs/kept-listings';
import { walkDirs } from './walk-dirs';
import { ScanRootError } from '../errors/run-errors';
import { monotonicMs } from '../process/monotonic-ms';

export { ScanRootError };

/** Entries the main thread examines per step of a scan (mainStep): ~5 ms on a local disk, so it answers the threads' results between steps. */
const MAIN_STEP_ENTRIES = 250;
/**
 * Two steps in a row slower than this (a network share, a slow disk) end the main thread's
 * walking for that scan: it must stay responsive. One alone may be a pause of the process (GC,
 * a busy CPU), which ended the walking late in a scan for nothing.
 */
const MAIN_STEP_LIMIT_MS = 50;

/** Tuning knobs; the defaults suit local disks and file servers alike. */
export interface WorkerScannerOptions {
  /** Worker threads (default one per CPU); one of them boots only where the main thread cannot walk too (mainStep). */
  threads?: number;
  /** Entries a worker examines per task before handing unvisited directories back (default 2000). */
  budget?: number;
  /** The run's pools (the composition root's); default a pool of this scanner's own. */
  pools?: WorkerPools;
  /** Two steps of the main thread's walk in a row slower than this end its walking for that scan (default MAIN_STEP_LIMIT_MS). */
  mainStepLimitMs?: number;
}


/**
 * Scanner that walks a tree in piscina worker threads, parallel over subtrees. The main thread
 * hands out directory lists and assembles per-directory summaries, so a tree of any file count
 * costs one small record per directory in memory and across threads; while each step of it is
 * quick, it walks a directory at a time too, instead of waiting (mainStep).
 * The pool is created on the first scan and released by close(); idle workers do not keep the
 * process alive.
 */
export class WorkerScanner implements Scanner {
  private readonly pool: WorkerPool;
  private readonly budget: number;
  private readonly mainStepLimitMs: number;
  /** Scans under way; the threads are let go a moment after the last one ends (releaseLater). */
  private scansRunning = 0;

  constructor(opts: WorkerScannerOptions = {}) {
    this.budget = Math.max(1, opts.budget ?? 2000);
    this.mainStepLimitMs = opts.mainStepLimitMs ?? MAIN_STEP_LIMIT_MS;
    // The pool's spec, not this count, sizes the tasks in flight (a shared pool has its own).
    this.pool = poolFor(opts.pools, scanPoolKind(Math.max(1, opts.threads ?? os.availableParallelism())));
  }

  /**
   * Starts the worker threads now, so they boot (~50-150 ms) while the caller does other work,
   * such as creating a snapshot, instead of at the start of the first scan. Optional.
   */
  warmUp(): void {
    this.pool.warmUp();
  }

  scan(root: string, options: ScanOptions): Promise<DirTree> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new AbortError('scan aborted', { cause: signal.reason }));
    const started = monotonicMs();
    const absRoot = path.resolve(root);
    const builder = new TreeBuilder();
    const errors: ScanError[] = [];
    const links: SkippedLink[] = [];
    const hardLinks = new HardLinkCollector();
    const queue: string[] = [''];
    // Two tasks per thread in flight: a thread finishing one finds the next already queued
    // (the pool's own thread count, which grows when a shared pool widens; one slot more is
    // the main thread's, which walks too while it waits: see mainStep).
    const maxInFlight = (): number => Math.max(1, this.pool.width) * 2;
    let mainQueued = false;
    let slowSteps = 0;
    // The main thread walks in place of a thread the pool holds back, never beside all of them:
    // one more walker than CPUs measured slower (a 1 % changed re-run +4 % on 2 CPUs). A widened
    // pool holds none back, so widening is what ends the main thread's walking.
    const mainMayWalk = (): boolean => this.pool.width < this.pool.spec.minThreads;
    // On threads shared with the copy (di/fs-threads.ts), those held back for it boot as soon as
    // the scan knows a copy pass follows, so they are up when it starts.
    const copyFollows = (): void => {
      if (this.pool.shared) this.pool.widen();
    };
    // Cancels our in-flight tasks (piscina terminates their workers) on abort or failure.
    const cancel = new AbortController();
    let inFlight = 0;
    let rootSeen = false;
    const digests: Uint8Array[] = [];
    // Directories compared with their copy so far, over all tasks (compare-copy.ts): once most
    // are found changed, later tasks list only the source.
    const compared = { tried: 0, same: 0 };
    const comparing = options.digest !== undefined && options.compareWith !== undefined;
    // The listings of directories not up to date in the copy, kept for the copy pass (kept-listings.ts).
    const arena = comparing && (options.keepListings ?? 0) > 0 ? newArena(options.keepListings!) : undefined;
    const kept = new KeptIndexBuilder();
    const taskOptions = (): Pick<ScanTask, 'digest' | 'compareWith' | 'keepListings'> => ({
      ...(options.digest ? { digest: options.digest } : {}),
      ...(comparing && worthComparing(compared.tried, compared.same) ? { compareWith: options.compareWith } : {}),
      ...(arena ? { keepListings: arena } : {}),
    });
    // The digests say what the source held when its scan began (listing-digest.ts).
    const takenAt = Date.now();

    this.scansRunning++;
    return new Promise<DirTree>((resolve, reject) => {
      let settled = false;
      const onAbort = (): void => fail(new AbortError('scan aborted', { cause: signal?.reason }));
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (): void => {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        this.scansRunning--;
        this.releaseLater();
      };
      function fail(e: unknown): void {
        if (settled) return;
        finish();
        cancel.abort();
        reject(e);
      }
      const onResult = (r: ScanTaskResult): void => {
        if (settled) return;
        inFlight--;
        for (const d of r.dirs) {
          builder.add(d);
          if (d.kept !== undefined) kept.add(d.relPath, d.kept);
        }
        for (const e of r.errors) errors.push(e);
        for (const l of r.links) links.push(l);
        for (const h of r.hardLinked) hardLinks.add(h.id, h.relPath);
        for (const p of r.pending) queue.push(p);
        if (r.digests) digests.push(r.digests);
        if (r.compared) {
          compared.tried += r.compared.tried;
          compared.same += r.compared.same;
        }
        // A directory whose copy differs means a copy pass follows: threads the pool held back
        // for it (a shared pool's last ones, WorkerPool.widen) boot now, while the scan goes on.
        if (compared.tried > compared.same) copyFollows();
        if (!rootSeen) {
          rootSeen = true;
          if (r.dirs[0]?.relPath !== '' || r.dirs[0].state !== 'ok') {
            const e = errors.find((x) => x.relPath === '');
            fail(new ScanRootError(absRoot, e?.code ?? 'UNKNOWN', e?.message ?? 'root not listed'));
            return;
          }
          // The root compared with nothing (no copy to compare with, or none there yet: a first
          // run): all of it is copied next.
          if (compared.tried === 0) copyFollows();
        }
        if (queue.length === 0 && inFlight === 0) {
          const rootNode = builder.finish();
          finish();
          const byPath = (a: { relPath: string }, b: { relPath: string }): number =>
            (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0);
          const groups = hardLinks.groups();
          resolve({
            root: absRoot, rootNode, errors: errors.sort(byPath), skippedLinks: links.sort(byPath),
            ...(groups.length > 0 ? { hardLinks: groups } : {}),
            ...(options.digest ? { digests: withUnchangedTable({
              ...buildDigestTable(digests, options.digest, takenAt),
              // What the comparison found: the listings kept (and the subtrees up to date in the copy).
              ...(arena && kept.size > 0 ? { listings: kept.build(arena) } : {}),
            }, comparing ? builder.unchangedTotals : undefined) } : {}),
            ...(comparing ? { unchanged: builder.unchanged, compared } : {}),
            durationMs: monotonicMs() - started,
          });
          return;
        }
        pump();
      };
      const pump = (): void => {
        const slots = maxInFlight();
        while (!settled && queue.length > 0 && inFlight < slots) {
          // Share what is queued among the free slots and the main thread; the budget bounds each task anyway.
          const n = Math.max(1, Math.ceil(queue.length / (slots - inFlight + (mainMayWalk() ? 1 : 0))));
          const task: ScanTask = {
            root: absRoot,
            dirs: queue.splice(0, n),
            budget: this.budget,
            excludes: options.excludes,
            ...taskOptions(),
          };
          inFlight++;
          // On threads shared with the copy, a task is never cancelled (that would terminate a
          // thread in the middle of a copy): an aborted scan's late results are dropped (settled).
          this.pool.run<ScanTaskResult>(task, { name: 'scanTask', ...(this.pool.shared ? {} : { signal: cancel.signal }) }).then((r) => {
            try {
              onResult(r);
            } catch (e) {
              fail(e);
            }
          }, fail);
        }
        if (!settled && !mainQueued && queue.length > 0 && mainMayWalk()) {
          mainQueued = true;
          setImmediate(mainStep);
        }
      };
      // The main thread only waits during a scan, and a thread's boot costs ~100-150 ms of CPU:
      // so it walks too, one directory at a time (up to MAIN_STEP_ENTRIES entries, a few ms),
      // between the threads' results, and the pool boots one thread fewer (issue #17: an unchanged
      // re-run of 100k files on 2 CPUs went from 1.09× to 1.04× `rsync -a`, −140 ms of CPU, −4,400
      // page faults). Only while the steps are quick: the main thread must stay responsive.
      const mainStep = (): void => {
        mainQueued = false;
        if (settled || queue.length === 0 || !mainMayWalk()) return;
        inFlight++;
        const stepStarted = monotonicMs();
        try {
          const r = walkDirs({ root: absRoot, dirs: queue.splice(queue.length - 1), budget: Math.min(this.budget, MAIN_STEP_ENTRIES), excludes: options.excludes, ...taskOptions() });
          slowSteps = monotonicMs() - stepStarted > this.mainStepLimitMs ? slowSteps + 1 : 0;
          if (slowSteps >= 2) {
            // The threads go on alone, all of them: the ones held back boot now.
            this.pool.widen();
          }
          onResult(r);
        } catch (e) {
          fail(e);
        }
      };
      // The root task runs here, synchronously: a small tree (an empty or nearly empty source,
      // a files-only profile) is done without booting any worker thread (~150 ms of CPU each);
      // a larger one hands what this task left pending to the pool, as before.
      inFlight++;
      try {
        onResult(walkDirs({ root: absRoot, dirs: queue.splice(0), budget: Math.min(this.budget, 256), excludes: options.excludes, ...taskOptions() }));
      } catch (e) {
        fail(e);
      }
    });
  }

  /**
   * A run scans, then copies: idle scan threads would hold their heaps (~10-15 MiB each) through
   * the whole copy, beside the copy threads. Half a second after the last scan ends (another
   * profile's scan may follow at once and keep them), they exit; a later scan boots new ones.
   */
  private releaseLater(): void {
    // Threads shared with the copy are what the copy runs on next: they stay.
    if (this.scansRunning > 0 || !this.pool.started || this.pool.shared) return;
    setTimeout(() => {
      if (this.scansRunning === 0) void this.pool.close();
    }, 500).unref();
  }

  /** Destroys the worker pool; the scanner may still be used (a new pool is made). Idempotent. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** A Scanner backed by worker threads; call close() when done to free the threads at once. */
export function createScanner(opts: WorkerScannerOptions = {}): WorkerScanner {
  return new WorkerScanner(opts);
}

