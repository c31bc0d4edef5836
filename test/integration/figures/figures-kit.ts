import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';

export const FAKE_ROBOCOPY = path.join(packageRoot(), 'test', 'fixtures', 'fake-robocopy', 'robocopy');

/** Profile keys that select each engine on this machine (robocopy is the test fake). */
export const ENGINE_KEYS: Record<'native' | 'rsync' | 'robocopy', Record<string, unknown>> = {
  native: { engine: 'native' },
  rsync: { engine: 'rsync' },
  robocopy: { engine: 'robocopy', engineOptions: { robocopy: { executable: FAKE_ROBOCOPY } } },
};

/** Writes `<dir>/robocurse.json` (logs and state inside `dir`) and returns its path. */
export function writeConfig(dir: string, profiles: Record<string, Record<string, unknown>>, global: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'robocurse.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, global: { logDir: 'logs', stateDir: 'state', ...global }, profiles }, null, 2));
  return file;
}

/**
 * The environment of a test's CLI children: its own state home, so the last-used record and
 * `robocurse copy` state stay inside the test's temp dir (never the real ~/.local/state).
 */
export function testEnv(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { XDG_STATE_HOME: path.join(dir, 'xdg'), ...extra };
}

/** No line of a stack trace (`    at fn (file:1:2)`) in what users see. */
export function expectNoStack(text: string): void {
  expect(text).not.to.match(/^\s+at .+[(:]\d+:\d+\)?$/m);
  expect(text).not.to.match(/SqliteError|TypeError|ReferenceError/);
}

/** Polls `cond` every 100 ms up to `timeoutMs` (generous: machines are shared); throws with `what` on time-out. */
export async function waitFor<T>(what: string, cond: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
