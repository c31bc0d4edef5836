import * as path from 'node:path';
import type { Chunk } from '../../src/api';
import Database from 'better-sqlite3';
import { STATE_DB_FILE, StateStore } from '../../src/state';

/**
 * A state database holding one running session with `n` chunks in one profile run, in the mix
 * a long run has mid-way: most done, some failed or with warnings, a few running, the rest
 * pending. Built through the store's own API (one transaction for the plan), then the statuses
 * set in one UPDATE per kind, as many chunk results would have left them.
 */
export function bigState(dir: string, n: number): { store: StateStore; sessionId: string; profileRunId: number } {
  const store = StateStore.open(path.join(dir, 'state'));
  const sessionId = '20261129-160000-b16b16';
  store.beginRun({ sessionId, configHash: 'big', configPath: path.join(dir, 'robocurse.json'), dryRun: false });
  const plan: Chunk[] = Array.from({ length: n }, (_, i) => ({
    id: i.toString(16).padStart(16, '0'), profile: 'big', kind: 'tree', relPath: `share/dept-${i % 97}/project-${i}`,
    sourcePath: `/srv/share/dept-${i % 97}/project-${i}`, destinationPath: `/backup/share/dept-${i % 97}/project-${i}`,
    depth: 3, estimatedFiles: 10 + (i % 1000), estimatedBytes: 1_000_000 + ((i * 7919) % 50_000_000),
  }));
  const { profileRunId } = store.beginProfileRun(sessionId, 'big', 'fp', plan, { resume: false });
  const raw = new Database(path.join(dir, 'state', STATE_DB_FILE));
  try {
    raw.transaction(() => {
      const set = (sql: string) => raw.prepare(`UPDATE chunks SET ${sql}`).run(profileRunId);
      set(`status = 'Complete', attempts = 1, bytes_copied = estimated_bytes, duration_ms = 1000 WHERE profile_run_id = ? AND estimated_files % 10 < 6`);
      set(`status = 'Failed', attempts = 3, exit_code = 8, severity = 'Error', last_error = 'exit code 8: some files failed' WHERE profile_run_id = ? AND estimated_files % 100 = 61`);
      set(`status = 'CompleteWithWarnings', attempts = 1, exit_code = 4, severity = 'Warning', last_error = 'exit code 4: mismatches' WHERE profile_run_id = ? AND estimated_files % 100 = 62`);
      set(`status = 'Running', attempts = 1 WHERE profile_run_id = ? AND estimated_files % 1000 = 163 AND estimated_bytes % 13 = 0`);
    })();
  } finally {
    raw.close();
  }
  return { store, sessionId, profileRunId };
}
