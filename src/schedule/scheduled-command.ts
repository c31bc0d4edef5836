import * as path from 'node:path';
import { packageRoot } from '../paths';

/** What every generated entry runs: an argv (no shell) and its working directory. */
export interface ScheduledCommand {
  /** Absolute path of the node executable. */
  executable: string;
  /** `<abs cli> run --config <abs config> --profile <name>` */
  args: string[];
  workingDirectory: string;
}

/** Where the running robocurse lives; injectable so golden files do not depend on this machine. */
export interface HostPaths {
  execPath: string;
  cliPath: string;
}

export function currentHostPaths(): HostPaths {
  return { execPath: process.execPath, cliPath: path.join(packageRoot(), 'bin', 'robocurse.js') };
}

/**
 * The exact `robocurse run` of one profile. Absolute paths only: a scheduler starts it with
 * neither our working directory nor our PATH. The profile lock makes a start while the previous
 * run is still going exit 4 instead of running twice.
 */
export function scheduledCommand(host: HostPaths, configPath: string, configDir: string, profile: string): ScheduledCommand {
  return { executable: host.execPath, args: [host.cliPath, 'run', '--config', configPath, '--profile', profile], workingDirectory: configDir };
}
