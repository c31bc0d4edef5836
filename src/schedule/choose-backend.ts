import type { BackendName, ScheduleBackend, Scope } from './backend';
import { CronBackend } from './backends/cron/cron-backend';
import { LaunchdBackend } from './backends/launchd/launchd-backend';
import { SchtasksBackend } from './backends/schtasks/schtasks-backend';
import { SystemdBackend } from './backends/systemd/systemd-backend';
import { firstLine, type CommandRunner } from './runner';
import { NoBackendError } from '../errors/schedule-errors';

export { NoBackendError };

export function createBackend(name: BackendName): ScheduleBackend {
  switch (name) {
    case 'systemd': return new SystemdBackend();
    case 'cron': return new CronBackend();
    case 'schtasks': return new SchtasksBackend();
    case 'launchd': return new LaunchdBackend();
  }
}


/** States of `systemctl is-system-running` in which the manager takes timers. */
const USABLE = new Set(['running', 'degraded', 'starting', 'initializing', 'maintenance']);

/**
 * The system's own scheduler: Task Scheduler on Windows, launchd on macOS; on Linux systemd when
 * its manager for the scope answers, else cron (containers, WSL1, hosts booted without systemd).
 * `reason` says why, for the user.
 */
export async function detectBackend(runner: CommandRunner, scope: Scope, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): Promise<{ name: BackendName; reason: string }> {
  if (platform === 'win32') return { name: 'schtasks', reason: 'Windows' };
  if (platform === 'darwin') return { name: 'launchd', reason: 'macOS' };
  const argv = scope === 'user' ? ['systemctl', '--user', 'is-system-running'] : ['systemctl', 'is-system-running'];
  const r = await runner.run(argv, { env: { ...env, LC_ALL: 'C' } });
  const state = r.stdout.toString('utf8').trim().split('\n')[0];
  if (USABLE.has(state)) return { name: 'systemd', reason: `${argv.join(' ')}: ${state}` };
  const why = `${argv.join(' ')}: ${state || firstLine(r)}`;
  if (scope === 'system') throw new NoBackendError(`--system needs a running systemd (${why}); for cron, use the crontab of root (--user, run as root) with --backend cron`);
  const c = await runner.run(['crontab', '-l'], { env: { ...env, LC_ALL: 'C' } });
  if (c.code === 0 || (c.code === 1 && /no crontab for/i.test(c.stderr.toString('utf8')))) return { name: 'cron', reason: `systemd is not usable here (${why})` };
  throw new NoBackendError(`no usable scheduler: systemd is not usable (${why}) and crontab is not either (${firstLine(c)})`);
}
