import type { RenderInput, Scope } from '../../../src/schedule/backend';
import { compileSchedule } from '../../../src/schedule/compile';
import { configIdentity } from '../../../src/schedule/identity';
import { scheduledCommand, type HostPaths } from '../../../src/schedule/scheduled-command';
import type { ScheduleConfig } from '../../../src/schedule/types';

const base: ScheduleConfig = { enabled: true, frequency: 'daily', time: '00:30', interval: 1, daysOfWeek: [], dayOfMonth: null, randomDelayMinutes: 0 };

/** The matrix: hourly/6, daily, weekly Mon+Thu, monthly last day, random delay. */
export const MATRIX: Record<string, ScheduleConfig> = {
  'hourly-6': { ...base, frequency: 'hourly', interval: 6, time: '00:30' },
  'hourly-1': { ...base, frequency: 'hourly', interval: 1, time: '00:05' },
  daily: { ...base, time: '23:45' },
  'weekly-mon-thu': { ...base, frequency: 'weekly', daysOfWeek: [1, 4], time: '04:15' },
  'monthly-last': { ...base, frequency: 'monthly', dayOfMonth: 'last', time: '00:30' },
  'monthly-15': { ...base, frequency: 'monthly', dayOfMonth: 15, time: '05:00' },
  'random-delay': { ...base, time: '00:30', randomDelayMinutes: 15 },
};

/** POSIX paths with every character that has a meaning to some scheduler's parser. */
export const POSIX_HOST: HostPaths = { execPath: '/opt/node 20/bin/node', cliPath: "/opt/robo curse/bin/robocurse.js" };
export const POSIX_CONFIG = "/srv/cfg 50% $HOME 'q' \"dq\" café/robocurse.json";
export const WIN_HOST: HostPaths = { execPath: 'C:\\Program Files\\nodejs\\node.exe', cliPath: 'C:\\Program Files\\robocurse\\bin\\robocurse.js' };
export const WIN_CONFIG = 'D:\\Replica Configs\\prod east (eu)\\robocurse.json';

export function inputFor(caseName: string, opts: { windows?: boolean; scope?: Scope; configPath?: string; host?: HostPaths } = {}): RenderInput {
  const configPath = opts.configPath ?? (opts.windows ? WIN_CONFIG : POSIX_CONFIG);
  const host = opts.host ?? (opts.windows ? WIN_HOST : POSIX_HOST);
  const configDir = opts.windows ? configPath.slice(0, configPath.lastIndexOf('\\')) : configPath.slice(0, configPath.lastIndexOf('/'));
  const identity = configIdentity(configPath, opts.windows ? 'win32' : 'linux');
  const profile = `p-${caseName}`;
  return {
    identity, scope: opts.scope ?? 'user', zone: 'Europe/Berlin',
    entries: [{ model: compileSchedule(profile, MATRIX[caseName]), command: scheduledCommand(host, configPath, configDir, profile), logDir: opts.windows ? `${configDir}\\logs` : `${configDir}/logs` }],
  };
}
