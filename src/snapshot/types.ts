import type { Logger, RunEventPayloads, RunEventType, SnapshotInfo, SnapshotProvider } from '../api';
import type { StateStore } from '../state';

/** The part of the state store the snapshot lifecycle uses (a real StateStore satisfies it). */
export type SnapshotRecords = Pick<StateStore, 'recordSnapshot' | 'markSnapshotDeleted' | 'listLiveSnapshots' | 'listOrphanSnapshots'>;

/** Emits one run event (EventBus.emit, bound). */
export type EmitEvent = <K extends RunEventType>(type: K, data: RunEventPayloads[K]) => unknown;

export interface SnapshotLifecycleDeps {
  /** Loaded snapshot providers by name (RunServices.snapshotProviders). */
  providers: ReadonlyMap<string, SnapshotProvider>;
  store: SnapshotRecords;
  emit: EmitEvent;
  sessionId: string;
  logger: Logger;
  /** Checks that a destination exists before a persistent snapshot of it is made (tests). */
  pathExists?: (p: string) => boolean;
  /** A dry run writes nothing: no snapshot is made, kept, pruned or cleaned up (the live source is read). */
  dryRun?: boolean;
}

/** What `begin` hands to the scan. */
export interface SnapshotBeginResult {
  /** Where to scan and copy from: the snapshot's view of the source, or the live source. */
  sourceRoot: string;
  /** The working snapshot, when one was made. */
  snapshot?: SnapshotInfo;
}

/** Warning event codes of the snapshot lifecycle (documented in docs/snapshots.md). */
export const SNAPSHOT_WARNINGS = {
  /** No working snapshot, required: false: the live tree is copied. */
  fallback: 'SNAPSHOT_FALLBACK',
  /** A persistent snapshot could not be made, required: false. */
  persistentFailed: 'SNAPSHOT_PERSISTENT_FAILED',
  /** A snapshot could not be deleted; it stays recorded and is retried as an orphan at the next start. */
  deleteFailed: 'SNAPSHOT_DELETE_FAILED',
  /** An orphan of a dead session could not be deleted (provider not loaded, or delete failed). */
  orphanNotDeleted: 'SNAPSHOT_ORPHAN_NOT_DELETED',
} as const;
