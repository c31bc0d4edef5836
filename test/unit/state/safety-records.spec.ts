import { expect } from 'chai';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/state/schema';
import { STATE_DB_FILE } from '../../../src/state/open-database';
import type { StateStore } from '../../../src/state/state-store';
import { chunk, ok, StateKit } from './state-test-kit';

const PLAN = [chunk('a'), chunk('b'), chunk('c')];

function start(store: StateStore, sid: string): void {
  store.beginRun({ sessionId: sid, configHash: 'h', configPath: '/etc/robocurse.json', dryRun: false });
}

describe('state for the mirror rails and the resume check', () => {
  const kit = new StateKit();
  afterEach(() => kit.cleanup());

  it('migrates a version-1 database in place, keeping its rows', () => {
    const dir = kit.dir();
    const db = new Database(path.join(dir, STATE_DB_FILE));
    db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    db.exec(MIGRATIONS[0].sql);
    db.prepare("INSERT INTO meta VALUES ('schema_version', '1')").run();
    db.prepare(`INSERT INTO runs(session_id, config_hash, config_path, started_at, pid, host, dry_run) VALUES ('old', 'h', '/c', '2020-01-01T00:00:00Z', 1, 'h', 0)`).run();
    db.prepare(`INSERT INTO profile_runs(session_id, profile, fingerprint, started_at, result) VALUES ('old', 'p', 'fp', '2020-01-01T00:00:00Z', 'Success')`).run();
    db.close();
    const s = kit.open(dir);
    expect(kit.raw(dir).prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).to.deep.equal({ value: String(SCHEMA_VERSION) });
    expect(s.lastRealProfileRun('p')).to.include({ result: 'Success', error: null, extrasRemoved: 0 });
    expect(s.sourceDevice('p')).to.equal(undefined);
    expect(fs.existsSync(path.join(dir, STATE_DB_FILE))).to.equal(true);
  });

  it('a destination probe is kept with a completed chunk and carried by a resume; a new completion clears the old one', () => {
    const s = kit.open();
    start(s, 's1');
    const r1 = s.beginProfileRun('s1', 'p', 'fp', PLAN, { resume: true }).profileRunId;
    s.markChunkRunning(r1, PLAN[0].id, 1);
    s.markChunkDone(r1, PLAN[0].id, ok(10));
    s.recordDestinationProbe(r1, PLAN[0].id, '{"v":1}');
    s.recordDestinationProbe(r1, PLAN[1].id, '{"v":1}'); // not done: ignored
    expect(s.listChunks(r1).map((c) => c.destProbe)).to.deep.equal(['{"v":1}', null, null]);
    start(s, 's2');
    const r2 = s.beginProfileRun('s2', 'p', 'fp', PLAN, { resume: true });
    expect(s.listChunks(r2.profileRunId, 'Skipped').map((c) => [c.chunkId, c.destProbe])).to.deep.equal([[PLAN[0].id, '{"v":1}']]);
    s.markChunkDone(r2.profileRunId, PLAN[0].id, ok(10));
    expect(s.listChunks(r2.profileRunId).find((c) => c.chunkId === PLAN[0].id)!.destProbe).to.equal(null);
  });

  it('unskipped chunks are Pending again, and no later resume trusts them', () => {
    const s = kit.open();
    start(s, 's1');
    const r1 = s.beginProfileRun('s1', 'p', 'fp', PLAN, { resume: true }).profileRunId;
    for (const c of PLAN.slice(0, 2)) { s.markChunkRunning(r1, c.id, 1); s.markChunkDone(r1, c.id, ok(10)); }
    start(s, 's2');
    const r2 = s.beginProfileRun('s2', 'p', 'fp', PLAN, { resume: true }).profileRunId;
    s.unskipChunks(r2, [PLAN[0].id]);
    expect(s.chunkCounts(r2)).to.include({ Skipped: 1, Pending: 2 });
    start(s, 's3');
    const r3 = s.beginProfileRun('s3', 'p', 'fp', PLAN, { resume: true });
    expect([...r3.completedChunkIds]).to.deep.equal([PLAN[1].id]);
  });

  it('keeps one source record per profile, replaced by each successful run', () => {
    const s = kit.open();
    s.recordSourceDevice({ profile: 'p', source: '/mnt/share', device: '0:52', fsType: 'nfs4', mountPoint: '/mnt/share', mountSource: 'f:/x', sessionId: 's1' });
    s.recordSourceDevice({ profile: 'p', source: '/mnt/share', device: '0:53', fsType: 'nfs4', mountPoint: '/mnt/share', mountSource: 'f:/x', sessionId: 's2' });
    expect(s.sourceDevice('p')).to.include({ device: '0:53', sessionId: 's2', fsType: 'nfs4' });
    expect(s.sourceDevice('q')).to.equal(undefined);
  });

  it('a profile run ends with its error and the extras it removed, for history', () => {
    const s = kit.open();
    start(s, 's1');
    const r1 = s.beginProfileRun('s1', 'p', 'fp', PLAN, { resume: true }).profileRunId;
    expect(s.endProfileRun(r1, 'Failed', { error: 'mirror refused', extrasRemoved: 7 })).to.include({ error: 'mirror refused', extrasRemoved: 7 });
  });
});
