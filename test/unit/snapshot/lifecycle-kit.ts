import type { RunEvent, RunEventPayloads, RunEventType, SnapshotProvider } from '../../../src/api';
import type { ProfileConfig, SnapshotConfig } from '../../../src/config/types';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { SnapshotLifecycle } from '../../../src/snapshot';
import type { StateStore } from '../../../src/state';
import { recordingLogger, type RecordingLogger } from '../../helpers/recording-logger';

/** A profile with a snapshot section (source /data/<name>, destination /backup/<name>). */
export function snapProfile(name: string, snapshot: Partial<SnapshotConfig> | null = {}): ProfileConfig {
  return {
    name, source: `/data/${name}`, destination: `/backup/${name}`, enabled: true, mirror: false,
    chunking: { mode: 'smart', maxChunkBytes: 1e9, maxChunkFiles: 1e5, maxDepth: 5 },
    excludeFiles: [], excludeDirs: [],
    snapshot: snapshot && { provider: 'fake', required: true, options: {}, ...snapshot },
    engine: 'native', engineOptions: {},
    retry: { maxAttempts: 3, backoffSeconds: 0, maxBackoffSeconds: 0, engineRetries: 0, engineWaitSeconds: 0 },
    bandwidthLimitMbps: 0, windowsPaths: false,
  };
}

/** A lifecycle on a real store and bus, with every event and log line kept. */
export function makeLifecycle(store: StateStore, sessionId: string, providers: SnapshotProvider[], pathExists: (p: string) => boolean = () => true): {
  lifecycle: SnapshotLifecycle; events: RunEvent[]; logger: RecordingLogger;
  of<K extends RunEventType>(type: K): RunEventPayloads[K][];
} {
  const bus = new EventBus(sessionId);
  const events: RunEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const logger = recordingLogger();
  const lifecycle = new SnapshotLifecycle({
    providers: new Map(providers.map((p) => [p.name, p])), store, emit: bus.emit.bind(bus), sessionId, logger, pathExists,
  });
  return {
    lifecycle, events, logger,
    of: <K extends RunEventType>(type: K) => events.filter((e) => e.type === type).map((e) => e.data as RunEventPayloads[K]),
  };
}

/** Records a session as run by this process (alive) in the store. */
export function beginSession(store: StateStore, sessionId: string): void {
  store.beginRun({ sessionId, configHash: 'h', configPath: '/c.json', dryRun: false });
}
