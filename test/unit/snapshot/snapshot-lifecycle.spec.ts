import { expect } from 'chai';
import { deadPid, StateKit } from '../state/state-test-kit';
import { FakeSnapshotProvider } from './fake-snapshot-provider';
import { beginSession, makeLifecycle, snapProfile } from './lifecycle-kit';

describe('SnapshotLifecycle', () => {
  const kit = new StateKit();
  afterEach(() => kit.cleanup());

  function setup(session = 's-now', providers = [new FakeSnapshotProvider()]) {
    const dir = kit.dir();
    const store = kit.open(dir);
    beginSession(store, session);
    return { dir, store, provider: providers[0], ...makeLifecycle(store, session, providers) };
  }

  describe('working snapshot', () => {
    it('scans the live source and touches no provider when the profile has no snapshot', async () => {
      const { lifecycle, provider, events } = setup();
      const res = await lifecycle.begin(snapProfile('p', null));
      expect(res).to.deep.equal({ sourceRoot: '/data/p' });
      await lifecycle.end(snapProfile('p', null));
      expect(provider.calls).to.deep.equal([]);
      expect(events).to.deep.equal([]);
    });

    it('creates, records with the session id and announces the snapshot; end deletes it once', async () => {
      const { lifecycle, provider, store, of } = setup('s-1');
      const profile = snapProfile('docs');
      const res = await lifecycle.begin(profile);
      expect(res.sourceRoot).to.equal('/snaps/fake-1/data/docs');
      expect(res.snapshot).to.include({ id: 'fake-1', sourcePath: '/data/docs' });
      expect(provider.snapshots.get('fake-1')).to.include({ label: 'robocurse:docs', sessionId: 's-1' });
      expect(store.listLiveSnapshots()).to.have.length(1);
      expect(store.listLiveSnapshots()[0]).to.include({ sessionId: 's-1', profile: 'docs', provider: 'fake', snapshotId: 'fake-1', persistent: false });
      expect(of('SnapshotCreated')).to.deep.equal([{ profile: 'docs', provider: 'fake', snapshotId: 'fake-1', sourcePath: '/data/docs', snapshotPath: '/snaps/fake-1/data/docs' }]);

      await lifecycle.end(profile);
      await lifecycle.end(profile);
      await lifecycle.endAll();
      expect(provider.calls.filter((c) => c.startsWith('delete'))).to.deep.equal(['delete fake-1']);
      expect(provider.snapshots.size).to.equal(0);
      expect(store.listLiveSnapshots()).to.deep.equal([]);
      expect(of('SnapshotDeleted')).to.deep.equal([{ profile: 'docs', provider: 'fake', snapshotId: 'fake-1' }]);
    });

    it('fails the profile clearly when the snapshot is required and cannot be made', async () => {
      const { lifecycle, provider, of, store } = setup();
      provider.failCreates.push(new Error('Access denied'));
      const err = await lifecycle.begin(snapProfile('docs')).then(() => undefined, (e: Error) => e);
      expect(err?.message).to.equal('cannot create a fake snapshot of /data/docs: Access denied');
      expect(of('Warning')).to.deep.equal([]);
      expect(store.listLiveSnapshots()).to.deep.equal([]);
    });

    it('with required: false copies the live tree, with a Warning event and a log line (never silently)', async () => {
      const { lifecycle, provider, of, logger } = setup();
      provider.failCreates.push(new Error('not a btrfs filesystem'));
      const res = await lifecycle.begin(snapProfile('docs', { required: false }));
      expect(res).to.deep.equal({ sourceRoot: '/data/docs' });
      expect(of('Warning')).to.deep.equal([{
        profile: 'docs', code: 'SNAPSHOT_FALLBACK',
        message: 'cannot create a fake snapshot of /data/docs: not a btrfs filesystem; copying from the live tree (snapshot.required is false)',
      }]);
      expect(logger.lines.some((l) => l.level === 'warn' && /copying from the live tree/.test(l.msg ?? ''))).to.equal(true);
    });

    it('names a provider that is not loaded', async () => {
      const { lifecycle } = setup();
      const err = await lifecycle.begin(snapProfile('docs', { provider: 'zfs' })).then(() => undefined, (e: Error) => e);
      expect(err?.message).to.equal("cannot create a zfs snapshot of /data/docs: snapshot provider 'zfs' is not loaded");
    });

    it('keeps a snapshot it cannot delete recorded as live and says so; the next start deletes it', async () => {
      const { lifecycle, provider, store, of, dir } = setup('s-old');
      const profile = snapProfile('docs');
      await lifecycle.begin(profile);
      provider.failDeletes.add('fake-1');
      await lifecycle.end(profile); // must not throw
      expect(of('Warning').map((w) => w.code)).to.deep.equal(['SNAPSHOT_DELETE_FAILED']);
      expect(of('Warning')[0].message).to.match(/cannot delete fake snapshot fake-1 of \/data\/docs: cannot delete fake-1: device busy; the next robocurse start/);
      expect(store.listLiveSnapshots().map((r) => r.snapshotId)).to.deep.equal(['fake-1']);
      store.endRun('s-old', 'Failed', 4);

      provider.failDeletes.clear();
      const store2 = kit.open(dir);
      beginSession(store2, 's-new');
      const next = makeLifecycle(store2, 's-new', [provider]);
      await next.lifecycle.cleanupOrphans();
      expect(provider.snapshots.size).to.equal(0);
      expect(store2.listLiveSnapshots()).to.deep.equal([]);
      expect(next.of('SnapshotDeleted')).to.deep.equal([{ profile: 'docs', provider: 'fake', snapshotId: 'fake-1' }]);
    });
  });

  describe('orphans', () => {
    it('deletes the snapshots of dead and ended sessions, never those of a live session or kept ones', async () => {
      const dir = kit.dir();
      const store = kit.open(dir);
      const provider = new FakeSnapshotProvider();
      for (const s of ['dead', 'ended', 'alive']) beginSession(store, s);
      kit.raw(dir).prepare("UPDATE runs SET pid = ? WHERE session_id = 'dead'").run(deadPid());
      store.endRun('ended', 'Success', 0);
      const make = async (session: string, profile: string) => {
        const info = await provider.create(`/data/${profile}`, { sessionId: session });
        return info;
      };
      store.recordSnapshot('dead', 'a', await make('dead', 'a'));
      store.recordSnapshot('ended', 'b', await make('ended', 'b'));
      store.recordSnapshot('alive', 'c', await make('alive', 'c'));
      store.recordSnapshot('dead', 'd', await make('dead', 'd'), true);
      await make('external', 'e'); // on the volume, never recorded by robocurse

      beginSession(store, 'now');
      const { lifecycle, of } = makeLifecycle(store, 'now', [provider]);
      await lifecycle.cleanupOrphans();
      expect([...provider.snapshots.keys()]).to.deep.equal(['fake-3', 'fake-4', 'fake-5']);
      expect(store.listLiveSnapshots().map((r) => r.snapshotId)).to.deep.equal(['fake-3', 'fake-4']);
      expect(of('SnapshotDeleted').map((d) => `${d.profile}:${d.snapshotId}`)).to.deep.equal(['a:fake-1', 'b:fake-2']);
    });

    it('reports an orphan whose provider is not loaded, and leaves it recorded', async () => {
      const dir = kit.dir();
      const store = kit.open(dir);
      beginSession(store, 'gone');
      store.endRun('gone', 'Failed', 4);
      store.recordSnapshot('gone', 'docs', { id: '{6A1C}', provider: 'vss', sourcePath: 'D:\\docs', snapshotPath: 'x', createdAt: '' });
      beginSession(store, 'now');
      const { lifecycle, of } = makeLifecycle(store, 'now', [new FakeSnapshotProvider()]);
      await lifecycle.cleanupOrphans();
      expect(of('Warning')).to.have.length(1);
      expect(of('Warning')[0]).to.include({ profile: 'docs', code: 'SNAPSHOT_ORPHAN_NOT_DELETED' });
      expect(of('Warning')[0].message).to.match(/vss snapshot \{6A1C\} of D:\\docs \(left by session gone, profile docs\): snapshot provider 'vss' is not loaded/);
      expect(store.listOrphanSnapshots()).to.have.length(1);
    });
  });

  describe('emergency', () => {
    it('endAll and end racing delete each snapshot once; no new snapshots afterwards', async () => {
      const { lifecycle, provider } = setup();
      await lifecycle.begin(snapProfile('a'));
      await lifecycle.begin(snapProfile('b'));
      await Promise.all([lifecycle.endAll(), lifecycle.end(snapProfile('a')), lifecycle.endAll()]);
      expect(provider.calls.filter((c) => c.startsWith('delete')).sort()).to.deep.equal(['delete fake-1', 'delete fake-2']);
      const err = await lifecycle.begin(snapProfile('c')).then(() => undefined, (e: Error) => e);
      expect(err?.message).to.match(/shutting down/);
      expect(provider.snapshots.size).to.equal(0);
    });

    it('endAll waits for a snapshot being made and deletes it too', async () => {
      const { lifecycle, provider, store } = setup();
      let open!: () => void;
      provider.createGate = new Promise((r) => { open = r; });
      const begun = lifecycle.begin(snapProfile('a'));
      await new Promise((r) => setImmediate(r));
      const ended = lifecycle.endAll();
      open();
      await begun;
      await ended;
      expect(provider.snapshots.size).to.equal(0);
      expect(store.listLiveSnapshots()).to.deep.equal([]);
    });
  });
});
