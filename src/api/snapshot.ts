/** A point-in-time, read-only view of a source, made by a SnapshotProvider. */
export interface SnapshotInfo {
  /** Provider-specific id (shadow copy GUID, subvolume path); what delete() takes. */
  id: string;
  provider: string;
  /** The path the snapshot was asked for. */
  sourcePath: string;
  /** Where `sourcePath`'s content is readable inside the snapshot. */
  snapshotPath: string;
  createdAt: string;
}

export interface SnapshotCreateOptions {
  sessionId: string;
  /** Free text stored with the snapshot where the provider can (e.g. 'robocurse:profile'). */
  label?: string;
}

/**
 * Creates and removes snapshots. `create` rejects with a clear message when the path cannot be
 * snapshotted (wrong filesystem, no rights, service down). `delete` is idempotent: deleting a
 * snapshot that is already gone resolves. Calls for different snapshots may run concurrently.
 */
export interface SnapshotProvider {
  readonly name: string;
  create(sourcePath: string, options: SnapshotCreateOptions): Promise<SnapshotInfo>;
  delete(id: string): Promise<void>;
  /** Snapshots this provider can see for `sourcePath` (or all, when omitted). */
  list(sourcePath?: string): Promise<SnapshotInfo[]>;
}
