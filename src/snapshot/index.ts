export { SnapshotLifecycle } from './snapshot-lifecycle';
export { applyRetention, makePersistentSnapshot, persistentLabel, type SnapshotRole } from './persistent-snapshots';
export { SNAPSHOT_WARNINGS, type EmitEvent, type SnapshotBeginResult, type SnapshotLifecycleDeps, type SnapshotRecords } from './types';
