import type { Argv } from 'yargs';
import { stringArg } from './arg-checks';
import { commandBuilders, commandHandlers, type Lazy } from './command-builders';
import { commandList, commandName, COMMANDS, examplesText } from './command-table';
import { EXIT, type ExitCode } from './exit-codes';
import { processIo, type CliIo, type CommonArgs } from './io';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

function commonOptions(y: Argv): Argv<CommonArgs> {
  return y
    .option('config', { alias: 'c', type: 'string', requiresArg: true, coerce: stringArg('--config'), describe: 'Config file (default ./robocurse.json, else the bundled example)' })
    .option('profile', { alias: 'p', type: 'string', array: true, requiresArg: true, describe: 'Profile to act on (repeatable)' })
    .option('all', { type: 'boolean', describe: 'Act on every enabled profile' })
    .option('json', { type: 'boolean', default: false, describe: 'Machine-readable output' })
    .option('log-level', { choices: LOG_LEVELS, requiresArg: true, coerce: stringArg('--log-level'), describe: 'Level of the human log on stderr (default info; warn while progress bars are shown)' }) as unknown as Argv<CommonArgs>;
}

/**
 * Parses argv and runs one command. Never calls process.exit: returns the exit code from the
 * one table in exit-codes.ts, so it can run in-process in tests.
 *
 * The command's handler starts only after the whole command line has parsed: yargs calls a
 * command's callback before its strict checks (unknown flag) fail, so starting work there ran
 * `run --dryrun` for real and returned 2 afterwards.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<ExitCode> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yargs = require('yargs/yargs') as typeof import('yargs/yargs');
  // The handler only runs once the whole command line parsed: yargs may call it and report a
  // missing positional afterwards, and a bad command line must run nothing.
  let chosen: (() => Promise<ExitCode>) | undefined;
  let usageError: string | undefined;
  const run = (lazy: Lazy) => (args: Record<string, unknown>): void => {
    chosen = () => lazy().then((h) => h(args as CommonArgs & Record<string, unknown>, io));
  };
  const builders = commandBuilders();
  const handlers = commandHandlers(run);
  let parser = commonOptions(yargs(argv))
    .scriptName('robocurse')
    .usage('$0 <command> [options]\n\nReplicates large directory trees with parallel copy jobs.');
  for (const spec of COMMANDS) {
    const name = commandName(spec);
    parser = parser.command(spec.usage, spec.summary, (y) => (builders[name]?.(y) ?? y).epilogue(examplesText(spec)), handlers[name]);
  }
  parser = parser
    .demandCommand(1, `name a command: ${commandList()} (see --help)`)
    .strict()
    .version(require('../../../package.json').version as string)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, io.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => { usageError = msg ?? err?.message ?? 'invalid command line'; });
  let helpOrVersion = false;
  try {
    await parser.parseAsync(argv, {}, (err, _parsed, output) => {
      if (output && !err) { io.stdout.write(`${output}\n`); helpOrVersion = true; }
    });
  } catch (e) {
    usageError ??= (e as Error).message;
  }
  if (usageError) {
    io.stderr.write(`robocurse: ${usageError}\nRun 'robocurse --help' for usage.\n`);
    return EXIT.UsageOrConfig;
  }
  if (helpOrVersion || !chosen) return EXIT.Success;
  return chosen();
}
