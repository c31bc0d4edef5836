/** The state layer: checkpoint, history, control commands and profile locks in one SQLite file. */
export { StateStore, type StateStoreOptions } from './state-store';
export { STATE_DB_FILE } from './open-database';
export { SCHEMA_VERSION } from './schema';
export { StateError, ProfileLockedError, type StateErrorCode, type LockHolder } from './errors';
export { normalizeForFingerprint, profileFingerprint } from './fingerprint';
export type { ProfileLock } from './profile-lock';
export type { SessionStatus, SessionState, HistoryEntry, ProfileRunStatus } from './status-query';
export * from './types';
export { CHUNK_SORTS, type ChunkSort, type ChunkPageQuery, type ChunkPage, type SessionChunk } from './dashboard-queries';
export { sessionState } from './status-query';
