import { spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StateStore } from '../../../src/state';
import type { RunEvent } from '../../../src/api';

/** Writes `robocurse.json` in `dir` (logs and state under `dir/out` unless given) and returns its path. */
export function writeRunConfig(dir: string, profiles: Record<string, unknown>, global: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'robocurse.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, global: { logDir: 'out/logs', stateDir: 'out/state', ...global }, profiles }, null, 2));
  fs.chmodSync(file, 0o644);
  return file;
}

/** Retries that are quick but real: a backoff the old code let the process die in. */
export const QUICK_RETRY = { maxAttempts: 3, backoffSeconds: 1, maxBackoffSeconds: 1 };

/** Polls `test` every 100 ms until it is true or `timeoutMs` passed; returns its last value. */
export async function waitFor(test: () => boolean, timeoutMs = 30_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (test()) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until the newest session of `stateDir` has logged an event of `type` while `run` (the CLI
 * as a child) is still alive. Fails at once when the child ended first, and after `timeoutMs`
 * otherwise, either way with what is needed to tell why: the child's exit, its stderr so far and
 * the events it logged (a bare "expected false to equal true" left a CI failure unexplained).
 */
export async function waitForRunEvent(
  run: { child: ChildProcess; stderrSoFar(): string }, stateDir: string, type: string, timeoutMs = 60_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const events = sessionEvents(stateDir);
    if (events.some((e) => e.type === type)) return;
    const ended = run.child.exitCode !== null || run.child.signalCode !== null;
    if (ended || Date.now() > until) {
      const how = ended ? `the CLI ended (exit ${run.child.exitCode}, signal ${run.child.signalCode})` : `not within ${timeoutMs} ms`;
      throw new Error(`no ${type} event: ${how}; events: [${events.map((e) => e.type).join(', ')}]; stderr: ${run.stderrSoFar() || '(empty)'}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Events of the newest session in the state database (empty while there is none). */
export function sessionEvents(stateDir: string): RunEvent[] {
  if (!fs.existsSync(path.join(stateDir, 'robocurse.db'))) return [];
  const store = StateStore.open(stateDir);
  try {
    const run = store.history(1)[0]?.run;
    return run ? store.readEventsSince(run.sessionId, 0, 1_000_000) : [];
  } finally {
    store.close();
  }
}

/** Removes a tree even where paths exceed PATH_MAX (rm(1) walks by descriptor; Node does not). */
export function removeDeepTree(dir: string): void {
  spawnSync('rm', ['-rf', '--one-file-system', dir]);
}

/** Mounts a tmpfs of `size` at `dir` (created); returns the unmount function for an after hook. */
export function mountTmpfs(dir: string, size: string, extra = ''): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${extra ? `,${extra}` : ''}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mount tmpfs on ${dir} failed (this test needs root): ${r.stderr}`);
  return () => { spawnSync('umount', ['-l', dir]); };
}
