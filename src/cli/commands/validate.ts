import { ConfigError } from '../../config/problems';
import { UnsafePathError } from '../../fs/path-trust';
import { StateError } from '../../state/errors';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo, CommonArgs } from '../io';
import { loadCliConfig, reportConfigError, selectProfiles, UsageError } from '../load-cli-config';
import { scheduleWarnings } from '../../schedule/config-warnings';
import { recordTrace } from '../error-trace';
import { preserveWarnings } from '../../config/preserve-warnings';
import { confineWarnings } from '../../engines/rsync/confine';

/** `robocurse validate`: exit 0 and a summary when the config is usable, else 2 and every problem. */
export async function validateCommand(args: CommonArgs, io: CliIo): Promise<ExitCode> {
  try {
    const cfg = await loadCliConfig(args, io);
    const profiles = selectProfiles(cfg, args, true);
    const warnings = [...scheduleWarnings(cfg), ...preserveWarnings(cfg), ...confineWarnings(cfg.profiles)];
    for (const w of warnings) io.stderr.write(`robocurse: warning: ${w}\n`);
    if (args.json) {
      io.stdout.write(`${JSON.stringify({ valid: true, config: cfg.configPath, profiles: profiles.map((p) => p.name), ...(warnings.length ? { warnings } : {}) })}\n`);
    } else {
      io.stdout.write(`config OK: ${cfg.configPath}\n`);
      for (const p of cfg.profiles) io.stdout.write(`  ${p.enabled ? '*' : '-'} ${p.name}: ${p.source} -> ${p.destination} (engine ${p.engine}${p.mirror ? ', mirror' : ''})\n`);
    }
    return EXIT.Success;
  } catch (e) {
    return handleCommandError(e, args, io);
  }
}

/** The shared mapping of expected failures to messages and exit codes. */
export function handleCommandError(e: unknown, args: CommonArgs & { command?: string }, io: CliIo): ExitCode {
  if (e instanceof ConfigError) {
    if (args.json) io.stdout.write(`${JSON.stringify({ valid: false, config: e.file, problems: e.problems })}\n`);
    reportConfigError(e, io);
    return EXIT.UsageOrConfig;
  }
  if (e instanceof UsageError) {
    io.stderr.write(`robocurse: ${e.message}\n`);
    return EXIT.UsageOrConfig;
  }
  // Expected (a locked profile, an unusable or unsafe state database or log directory): the
  // sentence says what to fix.
  if (e instanceof StateError || e instanceof UnsafePathError) {
    io.stderr.write(`robocurse: ${e.message}\n`);
    return EXIT.Fatal;
  }
  // Never a stack trace at the user: one sentence here, the trace in a private file.
  const traced = recordTrace(io.env, e, { command: args.command });
  io.stderr.write(`robocurse: fatal: ${(e as Error)?.message ?? String(e)}${traced ? ` (the full error is in ${traced})` : ''}\n`);
  return EXIT.Fatal;
}
