export { SnapshotLifecycle } from './snapshot-lifecycle';
export { installEmergencyCleanup, type EmergencyCleanupOptions, type EndAll } from './emergency-cleanup';
export { applyRetention, makePersistentSnapshot, persistentLabel, type SnapshotRole } from './persistent-snapshots';
export { SNAPSHOT_WARNINGS, type EmitEvent, type SnapshotBeginResult, type SnapshotLifecycleDeps, type SnapshotRecords } from './types';
