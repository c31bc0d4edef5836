import type { Handler } from '../command-builders';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo } from '../io';

/**
 * `robocurse log <action>`: one command group, each action in its own module, loaded on use.
 * (issue #18 adds `summarize` here: `summarize: async () => (await import('./log-summarize')).…`.)
 */
const ACTIONS: Record<string, () => Promise<Handler>> = {
  show: async () => (await import('./log-show')).logShowCommand,
};

export async function logCommand(args: { action: string } & Record<string, unknown>, io: CliIo): Promise<ExitCode> {
  const load = Object.hasOwn(ACTIONS, args.action) ? ACTIONS[args.action] : undefined;
  if (!load) {
    io.stderr.write(`robocurse: log ${args.action}: unknown action; choose one of: ${Object.keys(ACTIONS).join(', ')}\n`);
    return EXIT.UsageOrConfig;
  }
  return (await load())(args, io);
}
