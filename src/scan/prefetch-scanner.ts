import type { DirTree, Scanner, ScanOptions } from '../api';
import { monotonicMs } from '../process/monotonic-ms';

/** The options a scan is asked with, signal aside, as one comparable string. */
function optionsKey(options: ScanOptions): string {
  const { signal: _signal, ...rest } = options;
  return JSON.stringify(rest);
}

interface Prefetch {
  readonly root: string;
  readonly startedMs: number;
  readonly key: string;
  readonly abort: AbortController;
  readonly tree: Promise<DirTree>;
}

/**
 * A scanner that can start a scan before anyone asks for it (issue #17): a run's first scan is
 * started while the run is still being composed (state database, locks, plugins, the leftovers
 * of a killed run: ~50 ms of the main thread during which the other CPU was idle), and handed to
 * the first scan() that asks for the same root with the same options. Any other request goes to
 * the inner scanner as before, and so does the one that matches when the early scan failed (the
 * scan is then made again, at the time it was asked for). A scan only reads; a run that is then
 * refused (its profile locked, an unknown engine) abandons it: close() aborts one nobody took.
 */
export class PrefetchScanner implements Scanner {
  private early?: Prefetch;

  /** `onTaken`: told how long before it was asked for the taken scan had started (a debug line in a run). */
  constructor(private readonly inner: Scanner & { close(): Promise<void> }, private readonly onTaken?: (root: string, aheadMs: number) => void) {}

  /** Starts scanning `root` now; the first scan() of the same root and options is given it. */
  prefetch(root: string, options: Omit<ScanOptions, 'signal'>): void {
    this.cancel();
    const abort = new AbortController();
    const tree = this.inner.scan(root, { ...options, signal: abort.signal });
    // Seen by the scan() that takes it, or by nobody (abandoned): never an unhandled rejection.
    tree.catch(() => undefined);
    this.early = { root, startedMs: monotonicMs(), key: optionsKey(options), abort, tree };
  }

  scan(root: string, options: ScanOptions): Promise<DirTree> {
    const e = this.early;
    if (!e || e.root !== root || e.key !== optionsKey(options)) return this.inner.scan(root, options);
    this.early = undefined;
    this.onTaken?.(root, Math.round(monotonicMs() - e.startedMs));
    const { signal } = options;
    if (signal?.aborted) e.abort.abort(signal.reason);
    else signal?.addEventListener('abort', () => e.abort.abort(signal.reason), { once: true });
    return e.tree.catch((err: unknown) => (signal?.aborted ? Promise.reject(err) : this.inner.scan(root, options)));
  }

  /** Aborts a prefetched scan nobody took; idempotent. */
  cancel(): void {
    this.early?.abort.abort(new Error('the prefetched scan was not needed'));
    this.early = undefined;
  }

  /** cancel(), then the inner scanner's close(). */
  async close(): Promise<void> {
    this.cancel();
    await this.inner.close();
  }
}
