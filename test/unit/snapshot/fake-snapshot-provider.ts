import type { SnapshotCreateOptions, SnapshotInfo, SnapshotProvider } from '../../../src/api';

/**
 * An in-memory SnapshotProvider: snapshots are map entries; failures are scripted per call.
 * `calls` lists every create/delete in order, for checking what the lifecycle did.
 */
export class FakeSnapshotProvider implements SnapshotProvider {
  readonly snapshots = new Map<string, SnapshotInfo & { label?: string; sessionId: string }>();
  readonly calls: string[] = [];
  /** Next create()s reject with these errors, in order. */
  failCreates: Error[] = [];
  /** delete(id) rejects for these ids. */
  failDeletes = new Set<string>();
  /** When set, create() waits for it before resolving. */
  createGate?: Promise<void>;
  private next = 1;

  constructor(readonly name = 'fake') {}

  async create(sourcePath: string, options: SnapshotCreateOptions): Promise<SnapshotInfo> {
    this.calls.push(`create ${sourcePath} ${options.label ?? ''}`);
    const err = this.failCreates.shift();
    if (err) throw err;
    if (this.createGate) await this.createGate;
    const id = `${this.name}-${this.next++}`;
    const info = { id, provider: this.name, sourcePath, snapshotPath: `/snaps/${id}${sourcePath}`, createdAt: new Date().toISOString() };
    this.snapshots.set(id, { ...info, label: options.label, sessionId: options.sessionId });
    return info;
  }

  async delete(id: string): Promise<void> {
    this.calls.push(`delete ${id}`);
    if (this.failDeletes.has(id)) throw new Error(`cannot delete ${id}: device busy`);
    this.snapshots.delete(id);
  }

  async list(sourcePath?: string): Promise<SnapshotInfo[]> {
    return [...this.snapshots.values()].filter((s) => sourcePath === undefined || s.sourcePath === sourcePath);
  }
}
