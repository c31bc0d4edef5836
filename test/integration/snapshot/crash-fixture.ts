/**
 * A process that makes a snapshot through the real SnapshotLifecycle and StateStore, installs the
 * emergency clean-up and then crashes with an uncaught exception. The provider keeps its snapshots
 * as marker files, so the parent test sees what was left behind.
 * argv: <stateDir> <markerDir>
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SnapshotInfo, SnapshotProvider } from '../../../src/api';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { SnapshotLifecycle } from '../../../src/snapshot';
import { installEmergencyCleanup } from '../../../src/cli/emergency-cleanup';
import { StateStore } from '../../../src/state';
import { recordingLogger } from '../../helpers/recording-logger';
import { snapProfile } from '../../unit/snapshot/lifecycle-kit';

const [stateDir, markerDir] = process.argv.slice(2);
const provider: SnapshotProvider = {
  name: 'fake',
  async create(sourcePath): Promise<SnapshotInfo> {
    const id = `snap-${process.pid}`;
    fs.writeFileSync(path.join(markerDir, id), sourcePath);
    return { id, provider: 'fake', sourcePath, snapshotPath: path.join(markerDir, id), createdAt: new Date().toISOString() };
  },
  async delete(id) {
    // Slow on purpose: the exit must wait for it.
    await new Promise((r) => setTimeout(r, 200));
    fs.rmSync(path.join(markerDir, id), { force: true });
  },
  async list() { return []; },
};

const store = StateStore.open(stateDir);
const sessionId = `crash-${process.pid}`;
store.beginRun({ sessionId, configHash: 'h', configPath: '/c', dryRun: false });
const bus = new EventBus(sessionId);
const lifecycle = new SnapshotLifecycle({ providers: new Map([['fake', provider]]), store, emit: bus.emit.bind(bus), sessionId, logger: recordingLogger() });
installEmergencyCleanup(lifecycle, recordingLogger(), { timeoutMs: 10_000 });
void lifecycle.begin(snapProfile('docs')).then(() => {
  process.stdout.write('snapshot made\n');
  setTimeout(() => { throw new Error('a bug nobody caught'); }, 10);
});
