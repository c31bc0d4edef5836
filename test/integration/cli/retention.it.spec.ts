import { expect } from 'chai';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { newSessionId } from '../../../src/logging/session-id';
import { packageRoot } from '../../../src/paths';
import { hashTree, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { startCli } from '../../helpers/run-cli';
import { waitFor } from '../snapshot/cli-run';

const FAKE = path.join(packageRoot(), 'test', 'fixtures', 'fake-robocopy', 'robocopy');
const DAY = 86_400_000;

type Prune = { type: string; compressed: string[]; deletedSessions: string[]; protectedSessions: string[]; eventsDeleted?: number; errors: string[] };

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${rel}${e.name}/`); else out.push(`${rel}${e.name}`);
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  return out.sort();
}

/** Sets the mtime of every file of `session` in `logDir` to `daysAgo` days back. */
function age(logDir: string, session: string, daysAgo: number): void {
  const t = new Date(Date.now() - daysAgo * DAY);
  for (const f of listFiles(logDir).filter((f) => f.includes(session))) fs.utimesSync(path.join(logDir, f), t, t);
}

/**
 * Makes `session`'s logs look like those of a session that ran `daysAgo` days back: renamed to the
 * id such a session had (its start time; the random part kept) and their mtimes set back. An id
 * tells retention when a session started, and no file of a session is older than that
 * (docs/operations.md): files aged alone under today's id are not looked at. Returns the new id.
 */
function backdate(logDir: string, session: string, daysAgo: number): string {
  const older = `${newSessionId(new Date(Date.now() - daysAgo * DAY)).slice(0, 16)}${session.slice(16)}`;
  fs.renameSync(path.join(logDir, `robocurse-${session}.log`), path.join(logDir, `robocurse-${older}.log`));
  fs.renameSync(path.join(logDir, session), path.join(logDir, older));
  age(logDir, older, daysAgo);
  return older;
}

describe('retention: global.retention and robocurse prune (real CLI, like cron)', function () {
  this.timeout(240_000);
  let dir: string;
  let logs: string;
  let db: string;
  beforeEach(() => {
    dir = tempDir('robocurse-retention-');
    logs = path.join(dir, 'logs');
    db = path.join(dir, 'state', 'robocurse.db');
    makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'alpha' }, b: { 'g.txt': 'beta' } });
    makeTree(path.join(dir, 'victim'), { 'keep.log': 'not robocurse\'s' });
  });
  afterEach(() => removeTemp(dir));

  function config(retention: unknown, engine: Record<string, unknown> = { engine: 'robocopy', engineOptions: { robocopy: { executable: FAKE } } }): string {
    const cfg = path.join(dir, 'robocurse.json');
    fs.writeFileSync(cfg, JSON.stringify({
      version: 1, global: { logDir: 'logs', stateDir: 'state', retention },
      profiles: { docs: { source: 'src', destination: 'dst', chunking: { maxChunkFiles: 1 }, ...engine } },
    }));
    return cfg;
  }
  const eventsOf = (session: string): number => {
    const d = new Database(db, { readonly: true });
    try { return (d.prepare('SELECT COUNT(*) AS n FROM events WHERE session_id = ?').get(session) as { n: number }).n; } finally { d.close(); }
  };
  const ageEvents = (session: string, daysAgo: number): void => {
    const d = new Database(db);
    try { d.prepare('UPDATE events SET timestamp = ? WHERE session_id = ?').run(new Date(Date.now() - daysAgo * DAY).toISOString(), session); } finally { d.close(); }
  };
  async function runOnce(cfg: string): Promise<string> {
    const r = await runCliLikeCron(['run', '--config', cfg, '--all', '--json', '--no-resume'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    return String(r.summary!.sessionId);
  }

  it('old logs are gzipped, older ones deleted, old events pruned; the newest sessions and other files stay', async () => {
    const cfg = config({ logsDays: 30, compressAfterDays: 5, eventsDays: 30, sessionsKeep: 1 });
    const [s1, s2, s3] = [await runOnce(cfg), await runOnce(cfg), await runOnce(cfg)];
    expect(listFiles(logs).filter((f) => f.startsWith(`${s1}/chunks/`))).to.have.length(2); // chunk logs of the fake robocopy
    // s2's logs made those of a session run 10 days ago (its events stay under s2 in the state database).
    age(logs, s1, 100);
    const s2logs = backdate(logs, s2, 10);
    ageEvents(s1, 100);
    fs.copyFileSync(path.join(dir, 'victim', 'keep.log'), path.join(logs, 'notes.log'));
    fs.utimesSync(path.join(logs, 'notes.log'), new Date(Date.now() - 400 * DAY), new Date(Date.now() - 400 * DAY));
    const s2log = fs.readFileSync(path.join(logs, `robocurse-${s2logs}.log`));
    const s3Before = listFiles(logs).filter((f) => f.includes(s3));
    const events2 = eventsOf(s2);

    // A dry run says what it would do and changes nothing.
    const before = hashTree(logs);
    const dry = await runCliLikeCron(['prune', '--config', cfg, '--dry-run', '--json'], { cwd: dir });
    expect(dry.code, dry.stderr).to.equal(0);
    const planned = dry.lines[0] as unknown as Prune;
    expect(planned.deletedSessions).to.deep.equal([s1]);
    expect(planned.compressed.map((f) => path.relative(logs, f)).sort()).to.deep.equal(listFiles(logs).filter((f) => f.includes(s2logs)));
    expect(hashTree(logs)).to.equal(before);
    expect(eventsOf(s1)).to.be.above(0);

    const r = await runCliLikeCron(['prune', '--config', cfg, '--json'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    const done = r.lines[0] as unknown as Prune;
    expect(done.deletedSessions).to.deep.equal([s1]);
    expect(done.errors).to.deep.equal([]);
    const after = listFiles(logs);
    expect(after.filter((f) => f.includes(s1))).to.deep.equal([]);
    // s2: every file gzipped, same content, same age; s3 (newest) untouched; not robocurse's: untouched.
    const s2files = after.filter((f) => f.includes(s2logs));
    expect(s2files.length).to.be.above(1);
    expect(s2files.every((f) => f.endsWith('.gz'))).to.equal(true);
    expect(gunzipSync(fs.readFileSync(path.join(logs, `robocurse-${s2logs}.log.gz`))).equals(s2log)).to.equal(true);
    expect(Date.now() - fs.statSync(path.join(logs, `robocurse-${s2logs}.log.gz`)).mtimeMs).to.be.above(9 * DAY);
    expect(after.filter((f) => f.includes(s3))).to.deep.equal(s3Before);
    expect(fs.readFileSync(path.join(logs, 'notes.log'), 'utf8')).to.equal('not robocurse\'s');
    expect(eventsOf(s1)).to.equal(0);
    expect(eventsOf(s2)).to.equal(events2);
    expect(done.eventsDeleted).to.be.above(0);

    // The next run applies the same rules at its start: s2, aged past logsDays now, goes.
    age(logs, s2logs, 100);
    const s4 = await runOnce(cfg);
    const left = listFiles(logs);
    expect(left.filter((f) => f.includes(s2logs))).to.deep.equal([]);
    expect(left.some((f) => f.includes(s4))).to.equal(true);
    expect(left.some((f) => f.includes(s3))).to.equal(true); // within logsDays
  });

  it('never touches the files or events of a running session, however old they look', async () => {
    const cfg = config({ logsDays: 1, compressAfterDays: 1, eventsDays: 1, sessionsKeep: 0 },
      { engine: 'simulated', engineOptions: { simulated: { script: { '*': { durationMs: 120_000 } } } } });
    const p = startCli(['run', '--config', cfg, '--all', '--json'], { cwd: dir });
    let session = '';
    try {
      session = await waitFor(() => listFiles(logs).map((f) => /^robocurse-(.+)\.log$/.exec(f)?.[1]).find(Boolean), 'the running session\'s log', 60_000);
      const hasEvents = (): true | undefined => {
        try { return fs.existsSync(db) && eventsOf(session) > 0 ? true : undefined; } catch { return undefined; } // schema being created
      };
      await waitFor(hasEvents, 'its first events', 60_000);
      age(logs, session, 100);
      ageEvents(session, 100);
      const events = eventsOf(session);
      const r = await runCliLikeCron(['prune', '--config', cfg, '--json'], { cwd: dir });
      expect(r.code, r.stderr).to.equal(0);
      const done = r.lines[0] as unknown as Prune;
      expect(done.protectedSessions).to.deep.equal([session]);
      expect(done.deletedSessions).to.deep.equal([]);
      expect(done.compressed).to.deep.equal([]);
      expect(fs.existsSync(path.join(logs, `robocurse-${session}.log`))).to.equal(true);
      expect(eventsOf(session)).to.be.at.least(events);
    } finally {
      p.child.kill('SIGTERM');
      expect((await p.result).code).to.equal(3);
    }
    // Once it has ended it ages out like any other session (its log was written to as it stopped).
    age(logs, session, 100);
    const after = await runCliLikeCron(['prune', '--config', cfg, '--json'], { cwd: dir });
    expect((after.lines[0] as unknown as Prune).deletedSessions).to.deep.equal([session]);
    expect(listFiles(logs).filter((f) => f.includes(session))).to.deep.equal([]);
  });

  it('a bad retention value is a config error (exit 2) naming the key; nothing is pruned', async () => {
    await runOnce(config({}));
    const before = hashTree(logs);
    const cfg = config({ logsDays: -1, sessionsKeep: 'all', keepForever: true });
    for (const cmd of [['prune'], ['run', '--all']]) {
      const r = await runCliLikeCron([...cmd, '--config', cfg], { cwd: dir });
      expect(r.code, cmd[0]).to.equal(2);
      expect(r.stderr).to.contain('global.retention.logsDays').and.to.contain('global.retention.sessionsKeep').and.to.contain("unknown key 'keepForever'");
    }
    expect(hashTree(logs)).to.equal(before);
  });
});
