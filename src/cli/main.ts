import type { Argv } from 'yargs';
import { stringArg } from './arg-checks';
import { commandBuilders, commandHandlers, type Lazy } from './command-builders';
import { commandList, commandName, COMMANDS, examplesText } from './command-table';
import { UsageError } from '../errors/usage-error';
import { EXIT, type ExitCode } from './exit-codes';
import { fileSystemRoot, processIo, type CliIo, type CommonArgs } from './io';
import { HELP_COLUMNS, isHelpFlag } from './static-help';

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
 * yargs renders the whole help text after a command matched, on every start, to keep it for a
 * later showHelp() (yargs/build/lib/command.js, cacheHelpMessage: ~13 ms of a `run` on an empty
 * tree). main() never shows help after that point, so the cache is switched off where yargs has
 * it; a yargs without it is left alone (and only slower).
 */
function skipHelpCache(parser: Argv<CommonArgs>): void {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } };
  const usage = (parser as unknown as Internals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = (): void => undefined;
}

/**
 * The directory yargs is given: it reads it only for .config() and .pkgConf(), which robocurse
 * does not use, yet its default (process.cwd()) throws when the working directory was removed.
 * What needs the real one says so itself (io.ts workingDirectory).
 */
function parserCwd(): string {
  try {
    return process.cwd();
  } catch {
    return fileSystemRoot();
  }
}

/**
 * The first word of `robocurse WORD ... --help` (or `--version`) when WORD names no command,
 * else undefined. yargs answers --help and --version before strict() looks at the command, so
 * `robocurse stauts --help` printed the top help and ended 0: a typo a script would take for
 * success. Only a command line that starts with a word is judged here (before options, no word
 * can be an option's value).
 */
export function unknownCommandAskingHelpOrVersion(argv: readonly string[]): string | undefined {
  const first = argv[0];
  if (first === undefined || first.startsWith('-') || !argv.some((a) => isHelpFlag(a) || a === '--version')) return undefined;
  // `help` is yargs' own word for the top help (`robocurse help` prints it, exit 0).
  return first === 'help' || COMMANDS.some((c) => commandName(c) === first) ? undefined : first;
}

/**
 * Parses argv and runs one command. Never calls process.exit: returns the exit code from the
 * one table in exit-codes.ts, so it can run in-process in tests.
 *
 * The command starts only after the whole command line has parsed: yargs calls a command's
 * handler before its strict checks (unknown flag) fail, so starting work there ran
 * `run --dryrun` for real and returned 2 afterwards.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<ExitCode> {
  const unknown = unknownCommandAskingHelpOrVersion(argv);
  if (unknown !== undefined) {
    // Quoted as JSON: a control character in the word is shown escaped, never sent to the terminal.
    io.stderr.write(`robocurse: unknown command ${JSON.stringify(unknown)}: the commands are ${commandList()}\nRun 'robocurse --help' for usage.\n`);
    return EXIT.UsageOrConfig;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yargs = require('yargs/yargs') as typeof import('yargs/yargs');
  let usageError: string | undefined;
  const run = (lazy: Lazy) => (args: Record<string, unknown>): Promise<ExitCode> =>
    lazy().then((h) => h(args as CommonArgs & Record<string, unknown>, io));
  const builders = commandBuilders();
  const handlers = commandHandlers(run);
  let parser = commonOptions(yargs(argv, parserCwd()))
    .scriptName('robocurse')
    .usage('$0 <command> [options]\n\nReplicates large directory trees with parallel copy jobs.');
  for (const spec of COMMANDS) {
    const name = commandName(spec);
    // No handler here: the command runs once the whole line parsed (below).
    parser = parser.command(spec.usage, spec.summary, (y) => (builders[name]?.(y) ?? y).epilogue(examplesText(spec)));
  }
  parser = parser
    .demandCommand(1, `name a command: ${commandList()} (see --help)`)
    .strict()
    .version(require('../../../package.json').version as string)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(HELP_COLUMNS, io.stdout.columns ?? HELP_COLUMNS))
    .exitProcess(false)
    .fail((msg, err) => { usageError = msg ?? err?.message ?? 'invalid command line'; });
  skipHelpCache(parser);
  let helpOrVersion = false;
  let parsed: Record<string, unknown> & { _: Array<string | number> } | undefined;
  try {
    parsed = await parser.parseAsync(argv, {}, (err, _parsed, output) => {
      if (output && !err) { io.stdout.write(`${output}\n`); helpOrVersion = true; }
    });
  } catch (e) {
    usageError ??= (e as Error).message;
  }
  if (usageError) {
    io.stderr.write(`robocurse: ${usageError}\nRun 'robocurse --help' for usage.\n`);
    return EXIT.UsageOrConfig;
  }
  // strict() and demandCommand() let only a known command through: its name is the first word.
  const name = parsed && !helpOrVersion ? String(parsed._[0]) : undefined;
  if (name === undefined || !Object.hasOwn(handlers, name)) return EXIT.Success;
  try {
    return await handlers[name](parsed!);
  } catch (e) {
    // A usage problem a command did not report itself (a path that needs a working directory
    // that is gone, io.ts): one line and exit 2, as its own reports are, not an internal error.
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`robocurse: ${e.message}\n`);
    return EXIT.UsageOrConfig;
  }
}
