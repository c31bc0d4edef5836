import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { cronDaemonRunning } from '../../src/schedule/backends/cron/cron-backend';

/** This user's crontab bytes, or null when there is none. */
export function readCrontab(): Buffer | null {
  const r = spawnSync('crontab', ['-l'], { env: { ...process.env, LC_ALL: 'C' } });
  if (r.status === 0) return r.stdout;
  if (r.status === 1 && /no crontab for/.test(r.stderr.toString())) return null;
  throw new Error(`crontab -l failed: ${r.stderr.toString()}`);
}

export function writeCrontab(content: Buffer | null): void {
  const r = content === null ? spawnSync('crontab', ['-r']) : spawnSync('crontab', ['-'], { input: content });
  if (r.status !== 0 && !(content === null && /no crontab/.test(r.stderr.toString()))) throw new Error(`crontab write failed: ${r.stderr.toString()}`);
}

/**
 * Backs up the crontab and makes sure a cron daemon runs (CI starts none); `restore` puts the
 * crontab back byte for byte and stops the daemon if this started it (by its pid only).
 */
export async function takeOverCrontab(): Promise<{ restore(): void; startedCron: boolean }> {
  const saved = readCrontab();
  let pid: number | undefined;
  if (cronDaemonRunning() === false) {
    // Debian's cron daemonizes and records its pid; -f keeps it a child we can stop by pid.
    const child = spawn('/usr/sbin/cron', ['-f'], { stdio: 'ignore', detached: true });
    child.unref();
    pid = child.pid;
    for (let i = 0; i < 100 && cronDaemonRunning() !== true; i++) await new Promise((r) => setTimeout(r, 100));
  }
  return {
    startedCron: pid !== undefined,
    restore(): void {
      writeCrontab(saved);
      const back = readCrontab();
      if (!(back === null ? saved === null : saved !== null && back.equals(saved))) throw new Error('the crontab could not be restored');
      if (pid !== undefined) { try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ } }
      if (fs.existsSync('/run/crond.pid') && pid !== undefined) fs.rmSync('/run/crond.pid', { force: true });
    },
  };
}
