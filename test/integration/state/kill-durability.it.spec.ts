import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { STATE_DB_FILE } from '../../../src/state/open-database';
import { StateStore } from '../../../src/state/state-store';
import { tempStateDir } from '../../unit/state/state-test-kit';
import { FixtureProcess } from './fixture-process';

const CHUNKS = 1000;
const KILLS = 12;
/** Per-chunk pause of the writers: 1000 chunks take at least 5 s, more than all kill windows together. */
const PACE_MS = '5';

/** Checks everything a SIGKILL must never break; returns the number of distinct chunks done. */
function checkConsistency(dir: string): number {
  // Opening through the store replays the WAL and must not throw.
  StateStore.open(dir).close();
  const db = new Database(path.join(dir, STATE_DB_FILE), { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).to.equal('ok');
    // beginProfileRun is one transaction: a profile run exists with all its chunk rows or not at all.
    for (const r of db.prepare('SELECT p.id, COUNT(c.chunk_id) AS n FROM profile_runs p LEFT JOIN chunks c ON c.profile_run_id = p.id GROUP BY p.id').all() as { id: number; n: number }[]) {
      expect(r.n, `chunk rows of profile run ${r.id}`).to.equal(CHUNKS);
    }
    // markChunkDone writes the chunk row and its history row together; resumes never copy a
    // done chunk again, so each chunk is Complete in exactly one run and in history exactly once.
    const complete = db.prepare("SELECT chunk_id, bytes_copied FROM chunks WHERE status = 'Complete' ORDER BY chunk_id").all();
    const history = db.prepare('SELECT chunk_id, bytes AS bytes_copied FROM chunk_history ORDER BY chunk_id').all();
    expect(history).to.deep.equal(complete);
    // Events are written in pairs by one transaction each, seq 1..2k without gaps.
    for (const s of db.prepare('SELECT session_id, COUNT(*) AS n, MAX(seq) AS max FROM events GROUP BY session_id').all() as { session_id: string; n: number; max: number }[]) {
      expect(s.n % 2, `events of ${s.session_id}`).to.equal(0);
      expect(s.max).to.equal(s.n);
    }
    return complete.length;
  } finally {
    db.close();
  }
}

describe('state database survives SIGKILL at random moments (real processes)', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => { dir = tempStateDir(); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(`reopens cleanly and resumes exactly what was committed, ${KILLS} kills in a row`, async () => {
    const startsLog = path.join(dir, 'starts.log');
    let done = 0;
    let killedMidway = 0;
    for (let i = 0; i < KILLS; i++) {
      const w = new FixtureProcess('state-writer', [dir, String(CHUNKS), PACE_MS, startsLog]);
      if (i % 3 === 2) {
        // Every third round dies at any moment from start-up on: while opening, migrating,
        // setting WAL mode or inserting the plan, not only in the copy loop.
        await new Promise((r) => setTimeout(r, Math.random() * 400));
      } else {
        await w.line((l) => l.startsWith('ready'));
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 200));
      }
      const exit = await w.kill9();
      const ready = w.lines.find((l) => l.startsWith('ready'));
      // A writer must skip exactly the chunks committed before the previous kill.
      if (ready !== undefined) expect(Number(ready.split(' ')[1]), `resumed chunks, round ${i}`).to.equal(done);
      if (exit.signal === 'SIGKILL') killedMidway++;
      const now = checkConsistency(dir);
      expect(now, `round ${i}`).to.be.at.least(done);
      done = now;
    }
    // Most rounds must really have been cut short, or this test proves nothing.
    expect(killedMidway).to.be.at.least(KILLS - 1);
    expect(done).to.be.above(0).and.below(CHUNKS);

    // A last writer that is not killed finishes the plan: every chunk copied exactly once.
    const last = new FixtureProcess('state-writer', [dir, String(CHUNKS), PACE_MS, startsLog]);
    expect(Number((await last.line((l) => l.startsWith('ready'))).split(' ')[1])).to.equal(done);
    await last.line((l) => l === 'done');
    expect(checkConsistency(dir)).to.equal(CHUNKS);

    // Exactly once, by a witness outside the database: the writers' own log of every chunk they
    // started. A chunk may be started again only by a later run after a kill took its start
    // uncommitted; the run the database says completed it must be the last one that started it.
    const starts = new Map<string, string[]>();
    for (const line of fs.readFileSync(startsLog, 'utf8').trim().split('\n')) {
      const [session, chunkId] = line.split(' ');
      starts.set(chunkId, [...(starts.get(chunkId) ?? []), session]);
    }
    expect(starts.size, 'chunks the writers started').to.equal(CHUNKS);
    const db = new Database(path.join(dir, STATE_DB_FILE), { readonly: true });
    try {
      const completedBy = db.prepare("SELECT c.chunk_id AS chunkId, p.session_id AS session FROM chunks c JOIN profile_runs p ON p.id = c.profile_run_id WHERE c.status = 'Complete'").all() as { chunkId: string; session: string }[];
      expect(completedBy).to.have.length(CHUNKS);
      for (const { chunkId, session } of completedBy) {
        const by = starts.get(chunkId)!;
        expect(by[by.length - 1], `${chunkId}: started again after ${session} completed it (${by.join(', ')})`).to.equal(session);
        expect(by.filter((s) => s === session), `${chunkId}: started twice by ${session}`).to.have.length(1);
      }
    } finally {
      db.close();
    }

    const store = StateStore.open(dir, { readonly: true });
    try {
      const sessions = store.history(KILLS + 1);
      expect(sessions[0].state).to.equal('ended');
      expect(sessions.slice(1).every((h) => h.state === 'interrupted')).to.equal(true);
      // Every run that got as far as its plan resumed the one before it (all but the very first):
      // by its id, not merely "not null" (a missing value is not a resume).
      const withPlan = sessions.filter((h) => h.profiles.length > 0);
      expect(withPlan.length, 'runs that got as far as their plan').to.be.greaterThan(2);
      const runIds = withPlan.map((h) => h.profiles[0].profileRun.id);
      expect(withPlan.slice(0, -1).map((h) => h.profiles[0].profileRun.resumedFrom)).to.deep.equal(runIds.slice(1));
      expect(withPlan[withPlan.length - 1].profiles[0].profileRun.resumedFrom).to.equal(null);
      expect(withPlan[0].profiles[0].profileRun).to.include({ result: 'Success' });
    } finally {
      store.close();
    }
  });
});
