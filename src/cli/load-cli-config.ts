import * as path from 'node:path';
import { chooseConfigPath, implicitConfigProblem } from './config-path';
import { resolveArg, type CliIo, type CommonArgs } from './io';
import { loadConfig } from '../config/load-config';
import { ConfigError } from '../config/problems';
import type { ProfileConfig, RobocurseConfig } from '../config/types';
import { pluginChecker } from '../plugins/plugin-checker';

/** A usage problem (bad flag combination, unknown profile): exit code 2. */
import { UsageError } from '../errors/usage-error';

export { UsageError };

/** Loads the config named on the command line, with plugins checked. Throws ConfigError. */
export async function loadCliConfig(args: CommonArgs, io: CliIo): Promise<RobocurseConfig> {
  // An absolute --config needs no working directory (it may be gone: io.ts).
  const file = args.config !== undefined ? resolveArg(io, args.config) : chooseConfigPath(undefined, io.cwd, (m) => io.stderr.write(`${m}\n`));
  if (args.config === undefined && file === path.join(io.cwd, 'robocurse.json')) {
    const refused = implicitConfigProblem(file);
    if (refused) throw new UsageError(refused);
  }
  return loadConfig(file, { pluginChecker });
}

/**
 * The profiles a command acts on: every --profile named (in config order), or with --all (or,
 * when `defaultAll`, with neither) every enabled profile.
 */
export function selectProfiles(cfg: RobocurseConfig, args: CommonArgs, defaultAll: boolean): ProfileConfig[] {
  const names = args.profile ?? [];
  if (names.length > 0 && args.all) throw new UsageError('give either --profile or --all, not both');
  if (names.length === 0) {
    if (!args.all && !defaultAll) throw new UsageError(`name the profiles to run: --profile NAME (repeatable) or --all (configured: ${cfg.profiles.map((p) => p.name).join(', ')})`);
    const enabled = cfg.profiles.filter((p) => p.enabled);
    if (enabled.length === 0) throw new UsageError(`no enabled profiles in ${cfg.configPath}`);
    return enabled;
  }
  for (const n of names) {
    const p = cfg.profiles.find((q) => q.name === n);
    if (!p) throw new UsageError(`--profile ${n}: no such profile in ${cfg.configPath} (configured: ${cfg.profiles.map((q) => q.name).join(', ')})`);
    if (!p.enabled) throw new UsageError(`--profile ${n}: the profile is disabled (profiles.${n}.enabled is false)`);
  }
  return cfg.profiles.filter((p) => names.includes(p.name));
}

/** Prints a ConfigError one problem per line. */
export function reportConfigError(err: ConfigError, io: CliIo): void {
  io.stderr.write(`robocurse: invalid config ${err.file ?? ''}\n`);
  for (const p of err.problems) io.stderr.write(`  ${p.path || '(file)'}: ${p.message}\n`);
}
