import { expect } from 'chai';
import type { SnapshotInfo } from '../../../src/api';
import { deadPid, StateKit } from './state-test-kit';

function snap(id: string): SnapshotInfo {
  return { id, provider: 'btrfs', sourcePath: '/srv/data', snapshotPath: `/srv/.snap/${id}`, createdAt: '2030-01-01T00:00:00.000Z' };
}

describe('StateStore snapshots', () => {
  const kit = new StateKit();
  afterEach(() => kit.cleanup());

  it('lists as orphans only undeleted, non-persistent snapshots of sessions that ended or died', () => {
    const dir = kit.dir();
    const s = kit.open(dir);
    for (const sid of ['ended', 'dead', 'alive', 'remote']) s.beginRun({ sessionId: sid, configHash: 'h', configPath: '/c', dryRun: false });
    s.endRun('ended', 'Failed', 1);
    const raw = kit.raw(dir);
    raw.prepare("UPDATE runs SET pid = ? WHERE session_id = 'dead'").run(deadPid());
    raw.prepare("UPDATE runs SET host = 'elsewhere.example' WHERE session_id = 'remote'").run();

    s.recordSnapshot('ended', 'p', snap('e1'));
    s.recordSnapshot('ended', 'p', snap('e2'));
    s.markSnapshotDeleted('btrfs', 'e2');
    s.recordSnapshot('ended', 'p', snap('kept'), true);
    s.recordSnapshot('dead', 'p', snap('d1'));
    s.recordSnapshot('alive', 'p', snap('a1'));
    s.recordSnapshot('remote', 'p', snap('r1'));

    expect(s.listOrphanSnapshots().map((x) => x.snapshotId)).to.deep.equal(['e1', 'd1']);
    expect(s.listLiveSnapshots().map((x) => x.snapshotId)).to.deep.equal(['e1', 'kept', 'd1', 'a1', 'r1']);
    const [e1] = s.listOrphanSnapshots();
    expect(e1).to.include({ sessionId: 'ended', profile: 'p', provider: 'btrfs', snapshotPath: '/srv/.snap/e1', persistent: false, deletedAt: null });

    s.markSnapshotDeleted('btrfs', 'e1');
    s.markSnapshotDeleted('btrfs', 'e1'); // idempotent
    expect(s.listOrphanSnapshots().map((x) => x.snapshotId)).to.deep.equal(['d1']);
  });
});
