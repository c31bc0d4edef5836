import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { StateStore, type RunRecord } from '../../src/state';

/** What a finished (or abandoned) run left in its state directory. */
export interface RunEvidence {
  run?: RunRecord;
  /** The SessionEnd event's data, from the state database's events table. */
  sessionEnd?: { outcome: string; exitCode: number };
  /** Profile locks still held by anyone. */
  locks: string[];
}

/** The newest run of the state database in `stateDir`, its SessionEnd event and the locks left. */
export function lastRunEvidence(stateDir: string): RunEvidence {
  if (!fs.existsSync(path.join(stateDir, 'robocurse.db'))) return { locks: [] };
  const readable = ownCopyOf(stateDir);
  const store = StateStore.open(readable.dir);
  try {
    const run = store.history(1)[0]?.run;
    const events = run ? store.readEventsSince(run.sessionId, 0, 1_000_000) : [];
    const end = events.find((e) => e.type === 'SessionEnd');
    return {
      run,
      sessionEnd: end ? end.data as { outcome: string; exitCode: number } : undefined,
      locks: store.listProfileLocks().map((l) => `${l.profile} (pid ${l.pid})`),
    };
  } finally {
    store.close();
    readable.cleanup();
  }
}

/**
 * robocurse rightly refuses a state directory that another user owns, so the state of a run made
 * as another user (e.g. nobody) is read from a copy of its database files owned by us; the run
 * has ended, so the database, its WAL and shared-memory files are copied as one consistent set.
 */
function ownCopyOf(stateDir: string): { dir: string; cleanup: () => void } {
  if (fs.statSync(stateDir).uid === process.getuid?.()) return { dir: stateDir, cleanup: () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robocurse-evidence-'));
  for (const f of fs.readdirSync(stateDir).filter((n) => n.startsWith('robocurse.db'))) {
    fs.copyFileSync(path.join(stateDir, f), path.join(dir, f));
    fs.chmodSync(path.join(dir, f), 0o600);
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** SIEM JSON lines written by the siem plugin's `jsonl` output under `dir`. */
export function siemRecords(dir: string): Array<Record<string, unknown>> {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
}

/**
 * The checks every run must pass however it ended: the exact exit code, a summary on stdout
 * (the JSON summary for --json), a SessionEnd event with that code, an outcome in the runs
 * table, and no profile lock left behind.
 */
export function expectRunEnded(r: { code: number | null; stdout: string; stderr: string; summary?: Record<string, unknown> }, stateDir: string, exitCode: number, json: boolean): RunEvidence {
  const ctx = `stdout:\n${r.stdout}\nstderr:\n${r.stderr.slice(-4000)}`;
  expect(r.code, ctx).to.equal(exitCode);
  if (json) {
    expect(r.summary, ctx).to.not.equal(undefined);
    expect(r.summary!.exitCode, ctx).to.equal(exitCode);
  } else {
    expect(r.stdout, ctx).to.match(new RegExp(`robocurse session \\S+: \\w+ in .*\\(exit code ${exitCode}\\)`));
  }
  const ev = lastRunEvidence(stateDir);
  expect(ev.sessionEnd, `no SessionEnd event; ${ctx}`).to.not.equal(undefined);
  expect(ev.sessionEnd!.exitCode).to.equal(exitCode);
  expect(ev.run?.outcome, 'outcome in the runs table').to.be.a('string');
  expect(ev.run?.exitCode).to.equal(exitCode);
  expect(ev.locks, 'profile locks left behind').to.deep.equal([]);
  return ev;
}

/** The `{type:"summary"}` line of a --json run's stdout (for runs started with startCli). */
export function jsonSummary(stdout: string): Record<string, unknown> | undefined {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.type === 'summary');
}

/** Each attempt of a session's chunks, from the state database: how many files it was limited to, what it copied and failed. */
export function chunkAttempts(stateDir: string, sessionId: string): { relPath: string; attempt: number; onlyFiles: number | null; copied: number; failed: number }[] {
  const db = new Database(path.join(stateDir, 'robocurse.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(`SELECT c.rel_path AS relPath, a.attempt, a.only_files AS onlyFiles, a.files_copied AS copied, a.files_failed AS failed
      FROM chunk_attempts a JOIN chunks c USING (profile_run_id, chunk_id) JOIN profile_runs p ON p.id = a.profile_run_id
      WHERE p.session_id = ? ORDER BY c.rel_path, a.attempt`).all(sessionId) as ReturnType<typeof chunkAttempts>;
  } finally { db.close(); }
}
