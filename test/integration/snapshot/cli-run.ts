import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';

/** `robocurse <args>` from the same compiled tree as this test (dist/ in CI, dist-NAME/ locally). */
export function startRobocurse(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const main = path.resolve(__dirname, '../../../src/cli/main.js');
  const child = spawn(process.execPath, ['-e', 'require(process.argv[1]).main(process.argv.slice(2)).then((c) => { process.exitCode = c; })', main, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = ''; let stderr = '';
  child.stdout!.on('data', (b: Buffer) => { stdout += b.toString(); });
  child.stderr!.on('data', (b: Buffer) => { stderr += b.toString(); });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export interface SnapshotRow {
  id: number; session_id: string; profile: string; snapshot_id: string; snapshot_path: string; deleted_at: string | null; persistent: number;
}

/** Rows of the snapshots table (readonly connection; [] while the database does not exist yet). */
export function snapshotRows(stateDir: string): SnapshotRow[] {
  const file = path.join(stateDir, 'robocurse.db');
  if (!fs.existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT * FROM snapshots ORDER BY id').all() as SnapshotRow[];
  } catch {
    return []; // the schema is being created right now
  } finally { db.close(); }
}

/** Event types and data of a session, from the events table. */
export function sessionEvents(stateDir: string, sessionId: string): { type: string; data: Record<string, unknown> }[] {
  const db = new Database(path.join(stateDir, 'robocurse.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT type, json FROM events WHERE session_id = ? ORDER BY seq').all(sessionId) as { type: string; json: string }[])
      .map((r) => ({ type: r.type, data: (JSON.parse(r.json) as { data: Record<string, unknown> }).data }));
  } finally { db.close(); }
}

/** Polls `find` every 20 ms until it returns a value, or fails after `timeoutMs` with `what`. */
export async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 20_000, exited?: () => boolean): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = find();
    if (v !== undefined) return v;
    if (exited?.()) throw new Error(`the run ended before ${what}`);
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
