import type { Handler } from '../command-builders';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo } from '../io';

/**
 * `robocurse log <action>`: one command group, each action in its own module, loaded on use.
 * `show` reads the per-file log of a session; `summarize FILE...` reads robocopy or rsync logs.
 */
const ACTIONS: Record<string, () => Promise<Handler>> = {
  show: async () => (await import('./log-show')).logShowCommand,
  summarize: async () => (await import('./log-summarize')).logSummarizeCommand,
};

/** What each action takes after its name: `show` nothing, `summarize` at least one file. */
function operandProblem(action: string, files: unknown): string | undefined {
  const n = Array.isArray(files) ? files.length : 0;
  if (action === 'summarize' && n === 0) return 'log summarize: name at least one log file';
  if (action !== 'summarize' && n > 0) return `log ${action}: takes no file operands (got ${String((files as unknown[])[0])})`;
  return undefined;
}

export async function logCommand(args: { action: string } & Record<string, unknown>, io: CliIo): Promise<ExitCode> {
  const load = Object.hasOwn(ACTIONS, args.action) ? ACTIONS[args.action] : undefined;
  if (!load) {
    io.stderr.write(`robocurse: log ${args.action}: unknown action; choose one of: ${Object.keys(ACTIONS).join(', ')}\n`);
    return EXIT.UsageOrConfig;
  }
  const problem = operandProblem(args.action, args.files);
  if (problem) {
    io.stderr.write(`robocurse: ${problem}\n`);
    return EXIT.UsageOrConfig;
  }
  return (await load())(args, io);
}
