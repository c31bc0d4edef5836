import type { Argv } from 'yargs';
import { numberArg, stringArg } from './arg-checks';
import { EXIT, type ExitCode } from './exit-codes';
import { processIo, type CliIo, type CommonArgs } from './io';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const ALLOW_MASS_DELETE = {
  type: 'boolean', default: false,
  describe: 'Mirror even from an empty source or one on another file system than last time, and ignore maxDeletes, for this run only (docs/safety.md)',
} as const;

/** Runs a command module lazily, so `--help` and `validate` never load the copy machinery. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command narrows its own args
type Handler = (args: any, io: CliIo) => Promise<ExitCode>;
type Lazy = () => Promise<Handler>;

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
  let chosen: { lazy: Lazy; args: Record<string, unknown> } | undefined;
  let usageError: string | undefined;
  const run = (lazy: Lazy) => (args: Record<string, unknown>): void => { chosen = { lazy, args }; };
  const maxJobs = { type: 'number', requiresArg: true, coerce: numberArg('--max-jobs', { min: 1, integer: true }), describe: 'Override global.maxConcurrentJobs' } as const;
  const session = { type: 'string', requiresArg: true, coerce: stringArg('--session') } as const;
  const parser = commonOptions(yargs(argv))
    .scriptName('robocurse')
    .usage('$0 <command> [options]\n\nReplicates large directory trees with parallel copy jobs.')
    .command('validate', 'Check the config and report every problem', (y) => y, run(async () => (await import('./commands/validate')).validateCommand))
    .command('plan', 'Scan the sources and show how they would be cut into chunks', (y) => y, run(async () => (await import('./commands/plan')).planCommand))
    .command('run', 'Replicate the selected profiles', (y) => y
      .option('max-jobs', maxJobs)
      .option('dry-run', { type: 'boolean', default: false, describe: 'Plan and list what would be copied; write nothing' })
      .option('resume', { type: 'boolean', default: true, describe: 'Resume an unfinished previous run of a profile (--no-resume starts afresh)' })
      .option('allow-mass-delete', ALLOW_MASS_DELETE)
      .option('dashboard', { type: 'boolean', default: false, describe: 'Serve the live dashboard of this run on 127.0.0.1 (the URL with its token is printed)' })
      .option('dashboard-port', { type: 'number', describe: 'Port of --dashboard (default: any free port)' })
      .option('metrics-file', { type: 'string', describe: 'Rewrite this file with the run\'s Prometheus metrics every health interval (node_exporter textfile collector)' }),
    run(async () => (await import('./commands/run')).runCommand))
    .command('retry-failed', 'Run only the chunks that failed in the last run of --profile', (y) => y
      .option('max-jobs', maxJobs)
      .option('allow-mass-delete', ALLOW_MASS_DELETE)
      .option('dry-run', { type: 'boolean', default: false, hidden: true }),
    run(async () => (await import('./commands/run')).retryFailedCommand))
    .command('status', 'Show the running (or last) session, from any terminal; --check for monitors', (y) => y
      .option('session', { ...session, describe: 'Session id (default: the newest)' })
      .option('check', { type: 'boolean', describe: 'One line and an exit code for monitors: 0 healthy, 1 failed, 5 stale, 6 locked' })
      .option('idle', { type: 'boolean', describe: 'With --check: only whether a run could start now (exit 6 while the profile is locked); for systemd ExecCondition' })
      .option('max-age', { type: 'string', describe: 'With --check: the last successful run must have ended within this (26h, 90m, 2d, seconds)' })
      .option('stale-after', { type: 'number', describe: 'With --check: seconds without a progress report before a running session is stale (default 3 health intervals + 30)' }),
    run(async () => (await import('./commands/state-views')).statusCommand))
    .command('history', 'List recent sessions and their outcomes', (y) => y
      .option('limit', { type: 'number', default: 20, requiresArg: true, coerce: numberArg('--limit', { min: 1, integer: true }), describe: 'How many sessions' }),
    run(async () => (await import('./commands/state-views')).historyCommand))
    .command('snapshot <action> [id]', 'List, create or delete the snapshots of the configured providers', (y) => y
      .positional('action', { choices: ['list', 'create', 'delete'] as const, describe: 'list | create (a kept snapshot of --profile) | delete <id>' })
      .positional('id', { type: 'string', describe: 'Snapshot id (for delete)' })
      .option('provider', { type: 'string', requiresArg: true, coerce: stringArg('--provider'), describe: 'Only this provider (list); the provider of an unrecorded snapshot (delete)' }),
    run(async () => (await import('./commands/snapshot')).snapshotCommand))
    .command('schedule <action>', "Install, show or remove each profile's schedule in the system's own scheduler", (y) => y
      .positional('action', { choices: ['plan', 'sync', 'list', 'status', 'remove', 'run-now'] as const, describe: 'plan (what sync would change) | sync | list | status | remove | run-now (--profile)' })
      .option('backend', { choices: ['systemd', 'cron', 'schtasks', 'launchd'] as const, describe: 'Scheduler to use (default: the host\'s own; cron where systemd is not running)' })
      .option('user', { type: 'boolean', describe: "The invoking user's schedule (default)" })
      .option('system', { type: 'boolean', describe: 'System-wide (systemd system units, LaunchDaemons, a SYSTEM task)' })
      .option('run-as', { type: 'string', describe: 'Task Scheduler: the account of --user tasks (default: this user)' })
      .option('password-stdin', { type: 'boolean', describe: "Task Scheduler: read the account's password from stdin (never from argv)" }),
    run(async () => (await import('./commands/schedule')).scheduleCommand))
    .command('dashboard', 'Serve a live web dashboard that follows and steers any run of this state database', (y) => y
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on; anything but loopback needs TLS or --unsafe-no-tls' })
      .option('port', { type: 'number', default: 0, describe: 'Port (default: any free port)' })
      .option('read-only', { type: 'boolean', default: false, describe: 'Watch only: no control routes at all' })
      .option('tls-cert', { type: 'string', describe: 'PEM certificate file (with --tls-key): serve HTTPS' })
      .option('tls-key', { type: 'string', describe: 'PEM private key file (with --tls-cert)' })
      .option('unsafe-no-tls', { type: 'boolean', default: false, describe: 'Allow a non-loopback --host without TLS (token and commands in clear text)' })
      .option('allow-host', { type: 'string', array: true, describe: 'Extra Host header name to answer to (reverse proxy, tunnel); repeatable' }),
    run(async () => (await import('./commands/dashboard')).dashboardCommand))
    .command('verify', 'Compare the destination of --profile with its source, chunk by chunk (copies nothing); exit 1 on a mismatch', (y) => y
      .option('mode', { choices: ['meta', 'sample', 'full'] as const, describe: 'meta: size and time (and mode); sample: plus a content hash of --sample % of the files; full (default): a content hash of every file' })
      .option('sample', { type: 'number', describe: "--mode sample: percentage of files hashed (default: the profile's verifySample)" }),
    run(async () => (await import('./commands/verify')).verifyCommand))
    .command('log <action> <files..>', 'summarize FILE...: totals and failed files of robocopy or rsync logs (any locale and encoding, appended jobs); no config needed', (y) => y
      .positional('action', { choices: ['summarize'] as const, describe: 'summarize' })
      .positional('files', { type: 'string', array: true, describe: 'Log files' }),
    run(async () => (await import('./commands/log-summarize')).logSummarizeCommand))
    .command('prune', 'Apply global.retention now: gzip and delete old logs, delete old events (never a running session\'s); exit 1 when a file could not be pruned', (y) => y
      .option('dry-run', { type: 'boolean', default: false, describe: 'Only say what would be compressed or deleted' }),
    run(async () => (await import('./commands/prune')).pruneCommand))
    .command('plugins', 'List the plugins the config loads', (y) => y, run(async () => (await import('./commands/plugins')).pluginsCommand))
    .command('pause', 'Pause a running session: nothing new starts (from another terminal)', controlOptions, runControl('pause'))
    .command('suspend', 'Pause and freeze running jobs where the engine can', controlOptions, runControl('suspend'))
    .command('resume', 'Resume a paused or suspended session', controlOptions, runControl('resume'))
    .command('drain', 'Let running jobs finish, start nothing new, then end', controlOptions, runControl('drain'))
    .command('stop', 'Stop a running session and kill its jobs', controlOptions, runControl('stop'))
    .command('set-bandwidth <value>', 'Set the run-wide bandwidth budget in Mbit/s (0 = unlimited)', (y) => controlOptions(y, { min: 0, integer: false }), runControl('set-bandwidth'))
    .command('set-concurrency <value>', 'Set the number of concurrent jobs', (y) => controlOptions(y, { min: 1, integer: true }), runControl('set-concurrency'))
    .command('retry-chunk <id>', 'Give a chunk that failed another attempt now (or end its retry wait)', chunkControlOptions, runControl('retry-chunk'))
    .command('skip-chunk <id>', 'Do not copy a queued chunk in this run (it counts as failed)', chunkControlOptions, runControl('skip-chunk'))
    .demandCommand(1, 'name a command: validate, plan, run, retry-failed, status, history, verify, log, dashboard, snapshot, schedule, plugins, pause, resume, stop (see --help)')
    .strict()
    .version(require('../../../package.json').version as string)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, io.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => { usageError = msg ?? err?.message ?? 'invalid command line'; });
  function controlOptions(y: Argv, value?: { min: number; integer: boolean }): Argv {
    return y
      .positional('value', { type: 'number', describe: 'New value', ...(value ? { coerce: numberArg('<value>', value) } : {}) })
      .option('session', { ...session, describe: 'Target session id (instead of --profile)' })
      .option('wait', { type: 'number', default: 5, requiresArg: true, coerce: numberArg('--wait', { min: 0, integer: false }), describe: 'Seconds to wait for the session to apply it' });
  }
  function chunkControlOptions(y: Argv): Argv {
    return controlOptions(y).positional('id', { type: 'string', describe: 'Chunk id (robocurse status, the dashboard)' });
  }
  function runControl(name: 'pause' | 'suspend' | 'resume' | 'drain' | 'stop' | 'set-bandwidth' | 'set-concurrency' | 'retry-chunk' | 'skip-chunk') {
    return run(async () => (await import('./commands/control')).controlCommand(name));
  }
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
  const handler = await chosen.lazy();
  return handler(chosen.args as CommonArgs & Record<string, unknown>, io);
}
