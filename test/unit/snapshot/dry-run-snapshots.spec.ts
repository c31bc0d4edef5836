import { expect } from 'chai';
import type { RunEvent } from '../../../src/api';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { SnapshotLifecycle } from '../../../src/snapshot';
import type { StateStore } from '../../../src/state';
import { recordingLogger } from '../../helpers/recording-logger';
import { deadPid, StateKit } from '../state/state-test-kit';
import { FakeSnapshotProvider } from './fake-snapshot-provider';
import { beginSession, snapProfile } from './lifecycle-kit';

/** A dry run writes nothing: no snapshot is made, kept, pruned, or cleaned up as an orphan. */
describe('SnapshotLifecycle in a dry run', () => {
  const kit = new StateKit();
  afterEach(() => kit.cleanup());

  function dryLifecycle(store: StateStore, provider: FakeSnapshotProvider | undefined, sessionId = 'dry') {
    const bus = new EventBus(sessionId);
    const events: RunEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const logger = recordingLogger();
    const lifecycle = new SnapshotLifecycle({
      providers: new Map(provider ? [[provider.name, provider]] : []), store, emit: bus.emit.bind(bus), sessionId, logger, pathExists: () => true, dryRun: true,
    });
    return { lifecycle, events, logger };
  }

  it('makes no working or kept snapshot and prunes none, however many are kept; reads the live source', async () => {
    const store = kit.open(kit.dir());
    const provider = new FakeSnapshotProvider();
    beginSession(store, 'earlier');
    const profile = snapProfile('docs', { persistent: { keepSource: 1, keepDestination: 1 } });
    // Two kept snapshots of each side already: a real run would prune one of each before making new ones.
    for (const path of [profile.source, profile.source, profile.destination, profile.destination]) {
      store.recordSnapshot('earlier', 'docs', { ...(await provider.create(path, { sessionId: 'earlier' })), sourcePath: path }, true);
    }
    provider.calls.length = 0;
    const before = store.listLiveSnapshots().map((r) => r.snapshotId);
    beginSession(store, 'dry');
    const { lifecycle, events, logger } = dryLifecycle(store, provider);
    const res = await lifecycle.begin(profile);
    await lifecycle.end(profile);
    await lifecycle.endAll();
    expect(res).to.deep.equal({ sourceRoot: '/data/docs' });
    expect(provider.calls, 'provider calls').to.deep.equal([]);
    expect(store.listLiveSnapshots().map((r) => r.snapshotId)).to.deep.equal(before);
    expect(events.filter((e) => e.type === 'SnapshotCreated' || e.type === 'SnapshotDeleted')).to.deep.equal([]);
    expect(logger.lines.some((l) => /dry run: no fake snapshot/.test(l.msg ?? ''))).to.equal(true);
  });

  it('leaves the orphans of dead sessions for the next real run', async () => {
    const dir = kit.dir();
    const store = kit.open(dir);
    const provider = new FakeSnapshotProvider();
    beginSession(store, 'dead');
    kit.raw(dir).prepare("UPDATE runs SET pid = ? WHERE session_id = 'dead'").run(deadPid());
    store.recordSnapshot('dead', 'a', await provider.create('/data/a', { sessionId: 'dead' }));
    provider.calls.length = 0;
    beginSession(store, 'dry');
    const { lifecycle } = dryLifecycle(store, provider);
    await lifecycle.cleanupOrphans();
    expect(provider.calls).to.deep.equal([]);
    expect(store.listOrphanSnapshots().map((r) => r.snapshotId)).to.deep.equal(['fake-1']);
  });

  it('still fails a profile whose required snapshot provider is not loaded (the real run would)', async () => {
    const store = kit.open(kit.dir());
    beginSession(store, 'dry');
    const { lifecycle } = dryLifecycle(store, undefined);
    const err = await lifecycle.begin(snapProfile('docs', { provider: 'zfs' })).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.match(/snapshot provider 'zfs' is not loaded/);
  });
});
