import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEvent } from '../../../src/api';
import { StateStore } from '../../../src/state';
import type { CronResult } from '../../helpers/cli-child';

/** Writes `<dir>/robocurse.json` with state and logs beside it (outside every profile). */
export function writeRailsConfig(dir: string, profiles: Record<string, unknown>, global: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'robocurse.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, global: { logDir: 'logs', stateDir: 'state', ...global }, profiles }, null, 2));
  return file;
}

/** Files, links and directories below `root` (0 when missing), counted by lstat. */
export function entriesBelow(root: string): number {
  if (!fs.existsSync(root)) return 0;
  let n = 0;
  for (const e of fs.readdirSync(root, { withFileTypes: true })) {
    n++;
    if (e.isDirectory()) n += entriesBelow(path.join(root, e.name));
  }
  return n;
}

/** The session id of a finished run, from its --json summary or its text summary. */
export function sessionOf(r: CronResult): string {
  if (r.summary) return String(r.summary.sessionId);
  const m = /robocurse session ([^\s:]+)/.exec(r.stdout);
  if (!m) throw new Error(`no summary in stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return m[1];
}

/** The events the session stored in the state database. */
export function storedEvents(stateDir: string, sessionId: string): RunEvent[] {
  const store = StateStore.open(stateDir, { readonly: true });
  try { return store.readEventsSince(sessionId, 0, 100_000); } finally { store.close(); }
}

/** A run ended properly: a summary on stdout and a SessionEnd with the same exit code in the database. */
export function expectEnded(r: CronResult, stateDir: string, exitCode: number): RunEvent[] {
  expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).to.equal(exitCode);
  const events = storedEvents(stateDir, sessionOf(r));
  const end = events.find((e) => e.type === 'SessionEnd');
  expect(end, `SessionEnd stored; got ${events.map((e) => e.type).join(' ')} for ${sessionOf(r)}`).to.not.equal(undefined);
  expect((end!.data as { exitCode: number }).exitCode).to.equal(exitCode);
  return events;
}
