import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STATE_DB_FILE } from '../../../src/state/open-database';
import { SCHEMA_VERSION } from '../../../src/state/schema';
import { StateStore } from '../../../src/state/state-store';
import { StateKit } from './state-test-kit';

describe('StateStore.open', () => {
  const kit = new StateKit();
  afterEach(() => kit.cleanup());

  it('creates robocurse.db in WAL mode with synchronous=FULL, a busy timeout and the current schema version', () => {
    const dir = path.join(kit.dir(), 'nested', 'state');
    kit.open(dir);
    expect(fs.existsSync(path.join(dir, STATE_DB_FILE))).to.equal(true);
    const raw = kit.raw(dir);
    expect(raw.pragma('journal_mode', { simple: true })).to.equal('wal');
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).to.deep.equal({ value: String(SCHEMA_VERSION) });
  });

  it('sets synchronous=FULL and busy_timeout on its own connection', () => {
    const s = kit.open();
    const db = (s as unknown as { db: import('better-sqlite3').Database }).db;
    expect(db.pragma('synchronous', { simple: true })).to.equal(2);
    expect(db.pragma('busy_timeout', { simple: true })).to.equal(15000);
  });

  it('reopens an existing database without migrating it again and keeps its rows', () => {
    const dir = kit.dir();
    const a = kit.open(dir);
    a.beginRun({ sessionId: 's1', configHash: 'h', configPath: '/c', dryRun: false });
    a.close();
    const b = kit.open(dir);
    expect(b.getRun('s1')).to.include({ sessionId: 's1', dryRun: false });
  });

  it('refuses a database written by a newer schema, naming both versions', () => {
    const dir = kit.dir();
    kit.open(dir).close();
    kit.raw(dir).prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION + 1));
    expect(() => StateStore.open(dir)).to.throw(new RegExp(`schema version ${SCHEMA_VERSION + 1}.*only up to ${SCHEMA_VERSION}.*newer robocurse`))
      .with.property('code', 'STATE_SCHEMA_TOO_NEW');
    expect(() => StateStore.open(dir, { readonly: true })).to.throw().with.property('code', 'STATE_SCHEMA_TOO_NEW');
  });

  it('opens read-only for status while another connection writes', () => {
    const dir = kit.dir();
    const w = kit.open(dir);
    w.beginRun({ sessionId: 's1', configHash: 'h', configPath: '/c', dryRun: false });
    const r = StateStore.open(dir, { readonly: true });
    try {
      expect(r.status()?.run.sessionId).to.equal('s1');
      w.beginRun({ sessionId: 's2', configHash: 'h', configPath: '/c', dryRun: false });
      expect(r.lastRun()?.sessionId).to.equal('s2');
      expect(() => r.beginRun({ sessionId: 's3', configHash: 'h', configPath: '/c', dryRun: false })).to.throw(/readonly/i);
    } finally {
      r.close();
    }
  });

  it('fails read-only on a missing database with a clear error', () => {
    expect(() => StateStore.open(path.join(kit.dir(), 'none'), { readonly: true })).to.throw(/cannot open the state database/)
      .with.property('code', 'STATE_OPEN_FAILED');
  });
});
