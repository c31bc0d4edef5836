/**
 * A gate that work passes through before each step: open by default; while closed, `wait()`
 * parks callers until it opens. Used for suspend(): new files do not start and in-flight
 * streams stop between blocks. Waiting costs one promise, never a timer.
 */
export class Gate {
  private parked: Promise<void> | undefined;
  private release: (() => void) | undefined;

  get isClosed(): boolean {
    return this.parked !== undefined;
  }

  close(): void {
    if (this.parked) return;
    this.parked = new Promise((resolve) => { this.release = resolve; });
  }

  open(): void {
    const release = this.release;
    this.parked = undefined;
    this.release = undefined;
    release?.();
  }

  /** Resolves at once when open; otherwise when the gate opens. */
  wait(): Promise<void> {
    return this.parked ?? Promise.resolve();
  }
}
