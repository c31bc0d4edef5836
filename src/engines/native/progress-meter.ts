import type { CopyProgress } from '../../api';
import { displayName } from '../../fs/byte-names';

/**
 * Live counters of one job. Counters only grow, so progress is monotonic by construction.
 * Listeners are told at most once per interval (a 10 GB file streams thousands of blocks a
 * second) and once more by flush() at the end; progress() always reads the current values.
 */
export class ProgressMeter {
  private bytes = 0;
  private files = 0;
  private current: string | undefined;
  private readonly listeners = new Set<(p: CopyProgress) => void>();
  private lastEmit = 0;
  private dirty = false;

  constructor(private readonly intervalMs: number) {}

  snapshot(): CopyProgress {
    return this.current === undefined
      ? { bytesCopied: this.bytes, filesCopied: this.files }
      : { bytesCopied: this.bytes, filesCopied: this.files, currentFile: this.current };
  }

  on(listener: (p: CopyProgress) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  startFile(rel: string): void {
    this.current = displayName(rel);
  }

  addBytes(n: number): void {
    if (n <= 0) return;
    this.bytes += n;
    this.changed();
  }

  fileDone(): void {
    this.files++;
    this.changed();
  }

  /** A batch: `files` more files done, `bytes` more bytes, told to listeners as one change. */
  batchDone(files: number, bytes: number): void {
    if (files <= 0 && bytes <= 0) return;
    this.files += files;
    this.bytes += Math.max(0, bytes);
    this.changed();
  }

  /** Emits the latest values if listeners have not seen them yet. */
  flush(): void {
    if (!this.dirty) return;
    this.emit();
  }

  /** Drops listeners once the job is over (they would never be called again). */
  close(): void {
    this.listeners.clear();
  }

  private changed(): void {
    this.dirty = true;
    if (this.listeners.size === 0) return;
    const now = Date.now();
    if (now - this.lastEmit >= this.intervalMs) this.emit(now);
  }

  private emit(now = Date.now()): void {
    this.dirty = false;
    this.lastEmit = now;
    const p = this.snapshot();
    for (const l of this.listeners) {
      try { l({ ...p }); } catch { /* a listener's bug must not break the copy */ }
    }
  }
}
