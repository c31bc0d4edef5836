import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDatabase, STATE_DB_FILE } from '../../../src/state/open-database';
import { StateError } from '../../../src/state/errors';
import { runCliLikeCron } from '../../helpers/cli-child';
import { diffTrees, makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { expectRunEnded, lastRunEvidence } from '../../helpers/run-evidence';
import { writeRunConfig } from '../lifecycle/lifecycle-kit';

/**
 * Another process holds the write lock of a state database that is still new (an empty file in
 * rollback mode, as at the very first open): the second opener turns it to WAL with a read that
 * upgrades to a write, which SQLite refuses at once with SQLITE_BUSY however long busy_timeout
 * is. Two cron runs starting in the same second on a new state directory hit it (CI saw
 * "database is locked" from a racer of profile-lock.it). Opening must wait for the lock instead.
 */
describe('opening a new state database while another process writes it', function () {
  this.timeout(120_000);
  let dir: string;
  const holders: ChildProcess[] = [];
  beforeEach(() => { dir = tempDir('robocurse-open-race-'); fs.chmodSync(dir, 0o755); });
  afterEach(() => {
    for (const h of holders.splice(0)) h.kill('SIGKILL');
    removeTemp(dir);
  });

  /** A child that creates `stateDir`'s database as robocurse does (empty, 0600), takes its write lock, and commits after `holdMs`. */
  const holdWriteLock = async (stateDir: string, holdMs: number): Promise<ChildProcess> => {
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const file = path.join(stateDir, STATE_DB_FILE);
    fs.writeFileSync(file, '', { mode: 0o600 });
    const code = `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))});
      const db = new D(${JSON.stringify(file)}); db.exec('BEGIN IMMEDIATE'); process.stdout.write('held\\n');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${holdMs});`;
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    holders.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (c) => reject(new Error(`lock holder exited early (${c})`)));
    });
    return child;
  };

  it('waits for the lock and opens (was: "database is locked" at once)', async () => {
    const stateDir = path.join(dir, 'state');
    await holdWriteLock(stateDir, 500);
    const started = Date.now();
    const db = openDatabase(stateDir);
    try {
      expect(Date.now() - started).to.be.at.least(400);
      expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
      expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).to.have.property('value');
    } finally { db.close(); }
  });

  it('gives up after the busy timeout with an error naming the file and the config key', async () => {
    const stateDir = path.join(dir, 'state');
    await holdWriteLock(stateDir, 60_000);
    const started = Date.now();
    let caught: unknown;
    try { openDatabase(stateDir, { busyTimeoutMs: 300 }).close(); } catch (err) { caught = err; }
    expect(Date.now() - started).to.be.within(250, 5000);
    expect(caught).to.be.instanceOf(StateError);
    expect((caught as StateError).code).to.equal('STATE_OPEN_FAILED');
    expect((caught as Error).message).to.contain(path.join(stateDir, STATE_DB_FILE)).and.contain('(global.stateDir)').and.contain('database is locked (another process kept it locked for 0.3 s');
  });

  it('a run started like cron meanwhile waits, copies and exits 0 (--json)', async () => {
    makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'one' }, b: { 'g.bin': Buffer.alloc(70_000, 7) }, 'top.txt': 'top' });
    const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'dst' } });
    const stateDir = path.join(dir, 'out', 'state');
    fs.mkdirSync(path.join(dir, 'out'), { mode: 0o700 });
    await holdWriteLock(stateDir, 1500);
    const r = await runCliLikeCron(['run', '-c', cfg, '--all', '--json']);
    expectRunEnded(r, stateDir, 0, true);
    expect(r.stderr).to.equal('');
    expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['dst', 'out', 'robocurse.json', 'src']);
  });

  it('two runs of two profiles started together by cron on a new state folder both copy and exit 0 (6 rounds; the build before failed one in about ten)', async () => {
    makeTree(path.join(dir, 'a'), { x: { 'f.txt': 'alpha' }, 'top.txt': 'a' });
    makeTree(path.join(dir, 'b'), { y: { 'g.bin': Buffer.alloc(50_000, 3) }, 'top.txt': 'b' });
    for (let round = 0; round < 6; round++) {
      const out = `out${round}`;
      const cfg = writeRunConfig(dir, { pa: { source: 'a', destination: `${out}/da` }, pb: { source: 'b', destination: `${out}/db` } },
        { logDir: `${out}/logs`, stateDir: `${out}/state` });
      const [ra, rb] = await Promise.all(['pa', 'pb'].map((p) => runCliLikeCron(['run', '-c', cfg, '--profile', p, '--json'])));
      for (const [r, p] of [[ra, 'pa'], [rb, 'pb']] as const) {
        expect(r.code, `round ${round} ${p}: ${r.stderr}`).to.equal(0);
        expect(r.summary?.outcome, `round ${round} ${p}`).to.equal('Success');
        expect(r.stderr).to.equal('');
      }
      expect(diffTrees(path.join(dir, 'a'), path.join(dir, out, 'da'))).to.deep.equal([]);
      expect(diffTrees(path.join(dir, 'b'), path.join(dir, out, 'db'))).to.deep.equal([]);
      expect(lastRunEvidence(path.join(dir, out, 'state')).locks).to.deep.equal([]);
    }
  });
});
