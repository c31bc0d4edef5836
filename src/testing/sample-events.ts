import { RUN_EVENT_TYPES, type ProfileSummary, type RunEvent, type RunEventPayloads, type RunEventType } from '../api';

/** A profile summary with one failed chunk and two per-file errors (paths with awkward characters). */
export function sampleProfileSummary(profile = 'docs', overrides: Partial<ProfileSummary> = {}): ProfileSummary {
  return {
    profile, result: 'Failed', chunksTotal: 12, chunksOk: 9, chunksWarning: 1, chunksFailed: 1, chunksSkipped: 1,
    filesCopied: 1234, bytesCopied: 5_368_709_120, filesSkipped: 20, extrasRemoved: 2, bytesTotal: 6_000_000_000, durationMs: 3_723_000, scanErrors: 0,
    failedChunks: [{
      chunkId: `${profile}:tree:finance`, source: '/srv/data/finance "Q3" [draft]', exitCode: 16, retryCount: 3,
      message: 'Fatal: cannot read /srv/data/finance "Q3" [draft]',
      errors: [
        { path: '/srv/data/finance "Q3" [draft]/a<b>.xlsx', code: 'EACCES', message: 'permission denied' },
        { path: '/srv/data/finance "Q3" [draft]/c\\d].txt', code: 'EIO', message: 'i/o error' },
      ],
    }],
    ...overrides,
  };
}

/** One valid payload per event type. */
export function samplePayloads(): RunEventPayloads {
  const src = '/srv/data';
  const dst = '/mnt/backup/data';
  return {
    SessionStart: { profiles: ['docs'], host: 'fs01', user: 'backup', version: '0.1.0', dryRun: false, maxConcurrentJobs: 4 },
    ProfileStart: { profile: 'docs', index: 0, source: src, destination: dst, engine: 'native', mirror: true },
    ScanComplete: { profile: 'docs', root: src, dirs: 40, files: 1300, bytes: 6_000_000_000, errors: 0, skippedLinks: 1, chunks: 12, durationMs: 800 },
    ChunkStart: { profile: 'docs', chunkId: 'docs:tree:finance', kind: 'tree', source: `${src}/finance`, destination: `${dst}/finance`, estimatedFiles: 100, estimatedBytes: 1_000_000, attempt: 1 },
    ChunkProgress: { profile: 'docs', chunkId: 'docs:tree:finance', bytesCopied: 500_000, filesCopied: 50 },
    ChunkComplete: { profile: 'docs', chunkId: 'docs:tree:hr', source: `${src}/hr`, destination: `${dst}/hr`, exitCode: 1, severity: 'Warning', filesCopied: 10, bytesCopied: 2048, durationMs: 1200, message: 'Some files were copied; "quotes" \\ and ] brackets' },
    ChunkRetry: { profile: 'docs', chunkId: 'docs:tree:finance', source: `${src}/finance`, retryCount: 1, exitCode: 8, message: 'Some files could not be copied\nsecond line', backoffMs: 5000 },
    ChunkError: { profile: 'docs', chunkId: 'docs:tree:finance', source: `${src}/finance`, retryCount: 3, exitCode: 16, message: 'Fatal error' },
    FileFailed: { profile: 'docs', chunkId: 'docs:tree:finance', path: 'finance/locked "q4".xlsx', source: `${src}/finance/locked "q4".xlsx`, error: 'ERROR 32: The process cannot access the file because it is being used by another process.', attempts: 3, severity: 'Error' },
    ProfileComplete: sampleProfileSummary('docs'),
    Paused: { suspend: false, activeJobs: 2 },
    Resumed: { activeJobs: 2, pausedMs: 1500 },
    StopRequested: { mode: 'drain', reason: 'operator' },
    Stopped: { queuedChunks: 3, killedJobs: 0 },
    SnapshotCreated: { profile: 'docs', provider: 'btrfs', snapshotId: 'snap-1', sourcePath: src, snapshotPath: '/srv/.snapshots/snap-1' },
    SnapshotDeleted: { profile: 'docs', provider: 'btrfs', snapshotId: 'snap-1' },
    Warning: { profile: 'docs', code: 'SNAPSHOT_FALLBACK', message: 'cannot create a btrfs snapshot; copying from the live tree' },
    CommandApplied: { command: 'set-bandwidth', argument: 200, source: 'command 7' },
    SessionEnd: { outcome: 'Failed', exitCode: 2, durationMs: 3_800_000, filesCopied: 1234, bytesCopied: 5_368_709_120, chunksFailed: 1, profiles: [sampleProfileSummary('docs')] },
    VerifyMismatch: { profile: 'docs', chunkId: 'docs:tree:finance', path: 'finance/q3 "draft".xlsx', source: `${src}/finance/q3 "draft".xlsx`, destination: `${dst}/finance/q3 "draft".xlsx`, kind: 'content', detail: 'same size and time, different content' },
  };
}

/**
 * One valid event of every type, in RUN_EVENT_TYPES order, with seq 1.. and increasing
 * timestamps (ISO 8601 with an offset, as the orchestrator emits them).
 */
export function sampleEvents(sessionId: string, start = Date.UTC(2024, 4, 17, 8, 30, 0)): RunEvent[] {
  const payloads = samplePayloads();
  return RUN_EVENT_TYPES.map((type, i) => makeEvent(type, payloads[type], sessionId, i + 1, start + i * 1000));
}

/** An event of `type` with the given payload. */
export function makeEvent<K extends RunEventType>(type: K, data: RunEventPayloads[K], sessionId: string, seq: number, atMs: number): RunEvent<K> {
  return { type, sessionId, seq, timestamp: new Date(atMs).toISOString().replace('Z', '+00:00'), data } as RunEvent<K>;
}
