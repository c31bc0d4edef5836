import { expect } from 'chai';
import { StateKit } from '../state/state-test-kit';
import { FakeSnapshotProvider } from './fake-snapshot-provider';
import { beginSession, makeLifecycle, snapProfile } from './lifecycle-kit';

describe('SnapshotLifecycle: kept snapshots and retention', () => {
  const kit = new StateKit();
  afterEach(() => kit.cleanup());

  it('keeps the newest keepSource snapshots of the source; the kept one is also the working one', async () => {
    const store = kit.open();
    const provider = new FakeSnapshotProvider();
    const external = await provider.create('/data/docs', { sessionId: 'someone-else' }); // fake-1: not robocurse's
    const profile = snapProfile('docs', { persistent: { keepSource: 2, keepDestination: 0 } });
    const roots: string[] = [];
    for (const session of ['s1', 's2', 's3']) {
      beginSession(store, session);
      const { lifecycle } = makeLifecycle(store, session, [provider]);
      roots.push((await lifecycle.begin(profile)).sourceRoot);
      await lifecycle.end(profile);
      store.endRun(session, 'Success', 0);
    }
    expect(roots).to.deep.equal(['/snaps/fake-2/data/docs', '/snaps/fake-3/data/docs', '/snaps/fake-4/data/docs']);
    // Retention runs before the new snapshot is made: the oldest kept one goes first.
    expect(provider.calls.slice(-2)).to.deep.equal(['delete fake-2', 'create /data/docs robocurse:docs:keep-source']);
    expect([...provider.snapshots.keys()]).to.deep.equal([external.id, 'fake-3', 'fake-4']);
    expect(store.listLiveSnapshots().map((r) => [r.snapshotId, r.persistent])).to.deep.equal([['fake-3', true], ['fake-4', true]]);
    expect(store.listOrphanSnapshots()).to.deep.equal([]);
  });

  it('counts only its own profile and side: other profiles and the destination are not pruned', async () => {
    const store = kit.open();
    const provider = new FakeSnapshotProvider();
    beginSession(store, 's1');
    const a = snapProfile('a', { persistent: { keepSource: 1, keepDestination: 1 } });
    const b = snapProfile('b', { persistent: { keepSource: 1, keepDestination: 0 } });
    const { lifecycle, of } = makeLifecycle(store, 's1', [provider]);
    for (let i = 0; i < 2; i++) {
      for (const p of [a, b]) { await lifecycle.begin(p); await lifecycle.end(p); }
    }
    const live = store.listLiveSnapshots().map((r) => `${r.profile}:${r.sourcePath}`);
    expect(live.sort()).to.deep.equal(['a:/backup/a', 'a:/data/a', 'b:/data/b']);
    expect(of('SnapshotCreated').map((c) => c.sourcePath)).to.deep.equal(['/backup/a', '/data/a', '/data/b', '/backup/a', '/data/a', '/data/b']);
    expect(provider.snapshots.get([...provider.snapshots.keys()].find((k) => provider.snapshots.get(k)!.sourcePath === '/backup/a')!)!.label)
      .to.equal('robocurse:a:keep-destination');
  });

  it('makes a working snapshot of the source besides a kept one of the destination, and deletes only the working one', async () => {
    const store = kit.open();
    const provider = new FakeSnapshotProvider();
    beginSession(store, 's1');
    const p = snapProfile('p', { persistent: { keepSource: 0, keepDestination: 3 } });
    const { lifecycle } = makeLifecycle(store, 's1', [provider]);
    const res = await lifecycle.begin(p);
    expect(provider.calls).to.deep.equal(['create /backup/p robocurse:p:keep-destination', 'create /data/p robocurse:p']);
    expect(res.sourceRoot).to.equal('/snaps/fake-2/data/p');
    await lifecycle.end(p);
    expect([...provider.snapshots.values()].map((s) => s.sourcePath)).to.deep.equal(['/backup/p']);
  });

  it('skips the destination snapshot while the destination does not exist yet', async () => {
    const store = kit.open();
    const provider = new FakeSnapshotProvider();
    beginSession(store, 's1');
    const { lifecycle, logger } = makeLifecycle(store, 's1', [provider], () => false);
    await lifecycle.begin(snapProfile('p', { persistent: { keepSource: 0, keepDestination: 3 } }));
    expect(provider.calls).to.deep.equal(['create /data/p robocurse:p']);
    expect(logger.text()).to.match(/does not exist yet/);
  });

  it('a kept snapshot that cannot be made fails the profile, or with required: false warns and goes on', async () => {
    const store = kit.open();
    const provider = new FakeSnapshotProvider();
    beginSession(store, 's1');
    const { lifecycle, of } = makeLifecycle(store, 's1', [provider]);
    provider.failCreates.push(new Error('Insufficient storage'));
    const err = await lifecycle.begin(snapProfile('p', { persistent: { keepSource: 0, keepDestination: 1 } })).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.equal('cannot create a kept fake snapshot of the destination /backup/p: Insufficient storage');
    expect(provider.calls).to.deep.equal(['create /backup/p robocurse:p:keep-destination']);

    provider.failCreates.push(new Error('Insufficient storage'));
    const res = await lifecycle.begin(snapProfile('q', { required: false, persistent: { keepSource: 0, keepDestination: 1 } }));
    expect(res.sourceRoot).to.match(/^\/snaps\//);
    expect(of('Warning').map((w) => w.code)).to.deep.equal(['SNAPSHOT_PERSISTENT_FAILED']);
    expect(of('Warning')[0].message).to.match(/without a kept snapshot of the destination \(snapshot.required is false\)$/);
  });
});
