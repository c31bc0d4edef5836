import type { Argv } from 'yargs';
import { codePageArg, numberArg, stringArg } from './arg-checks';
import type { ExitCode } from './exit-codes';
import type { CliIo } from './io';

/** Runs a command module lazily, so `--help` and `validate` never load the copy machinery. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command narrows its own args
export type Handler = (args: any, io: CliIo) => Promise<ExitCode>;
export type Lazy = () => Promise<Handler>;
type Builder = (y: Argv) => Argv;

const ALLOW_MASS_DELETE = {
  type: 'boolean', default: false,
  describe: 'Mirror even from an empty source or one on another file system than last time, and ignore maxDeletes, for this run only (docs/safety.md)',
} as const;

const MAX_JOBS = { type: 'number', requiresArg: true, coerce: numberArg('--max-jobs', { min: 1, integer: true }) } as const;
const SESSION = { type: 'string', requiresArg: true, coerce: stringArg('--session') } as const;

const QUEUE = { type: 'string', requiresArg: true, coerce: stringArg('--queue') } as const;
const PREFIX = { type: 'string', requiresArg: true, coerce: stringArg('--prefix'), describe: 'Key prefix of the worker pool in Redis (default robocurse)' } as const;

const STATE_DIR = { type: 'string', describe: 'The state folder to read (instead of the one of --config, or of your last run)' } as const;

/** Options of the commands that act on a running session from another process. */
function controlOptions(y: Argv): Argv {
  return y
    .option('session', { ...SESSION, describe: 'Target session id (instead of --profile)' })
    .option('state-dir', STATE_DIR)
    .option('wait', { type: 'number', default: 5, requiresArg: true, coerce: numberArg('--wait', { min: 0, integer: false }), describe: 'Seconds to wait for the session to apply it' });
}

/** Selection filters, shared by `copy` (and documented with the profile keys of the same names). */
function filterOptions(y: Argv): Argv {
  return y
    .option('exclude', { type: 'string', array: true, describe: 'File names or wildcards not to copy (robocopy /XF); repeatable' })
    .option('exclude-dir', { type: 'string', array: true, describe: 'Directory names, wildcards or relative paths not to copy (robocopy /XD); repeatable' })
    .option('include', { type: 'string', array: true, describe: 'Copy only files whose names match these wildcards (robocopy /IF); repeatable' })
    .option('max-age', { type: 'string', describe: 'Only files changed in the last N days, or since a date YYYY-MM-DD (robocopy /MAXAGE)' })
    .option('min-age', { type: 'string', describe: 'Only files not changed in the last N days, or before a date YYYY-MM-DD (robocopy /MINAGE)' })
    .option('max-size', { type: 'string', describe: 'Only files of at most this size: bytes, "50MB", "2GiB" (robocopy /MAX)' })
    .option('min-size', { type: 'string', describe: 'Only files of at least this size (robocopy /MIN)' });
}

/** Each command's own options and positionals, by command name (command-table.ts has the rest). */
export function commandBuilders(): Record<string, Builder> {
  const control = (y: Argv): Argv => controlOptions(y);
  // The value's rules are checked by control.ts, before the state database is opened, with a message per command.
  const valued = (y: Argv): Argv => controlOptions(y).positional('value', { type: 'number', describe: 'The new value' });
  const chunk = (y: Argv): Argv => controlOptions(y).positional('id', { type: 'string', describe: 'Chunk id (robocurse status, the dashboard)' });
  return {
    run: (y) => y
      .option('max-jobs', { ...MAX_JOBS, describe: 'Override global.maxConcurrentJobs' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'List every file that would be copied, updated or deleted; write nothing' })
      .option('resume', { type: 'boolean', default: true, describe: 'Resume an unfinished previous run of a profile (--no-resume starts afresh)' })
      .option('allow-mass-delete', ALLOW_MASS_DELETE)
      .option('dashboard', { type: 'boolean', default: false, describe: 'Serve the live dashboard of this run on 127.0.0.1 (the URL with its token is printed)' })
      .option('dashboard-port', { type: 'number', describe: 'Port of --dashboard (default: any free port)' })
      .option('metrics-file', { type: 'string', describe: 'Rewrite this file with the run\'s Prometheus metrics every health interval (node_exporter textfile collector)' })
      .option('queue', { ...QUEUE, describe: 'Run the chunks on `robocurse worker` hosts through this Redis queue (overrides global.queue; docs/scale-out.md)' }),
    worker: (y) => y
      .option('queue', { ...QUEUE, demandOption: true, describe: 'The Redis queue of the coordinator (password: ROBOCURSE_REDIS_PASSWORD)' })
      .option('slots', { type: 'number', requiresArg: true, demandOption: true, coerce: numberArg('--slots', { min: 1, integer: true }), describe: 'Chunks copied at once on this host' })
      .option('engine', { type: 'string', requiresArg: true, coerce: stringArg('--engine'), describe: "Copy every chunk with this engine (default: the profile's)" })
      .option('path-map', { type: 'string', array: true, requiresArg: true, describe: "SRC=LOCAL: the coordinator's root SRC is mounted at LOCAL on this host; repeatable" })
      .option('state-dir', { type: 'string', requiresArg: true, coerce: stringArg('--state-dir'), describe: "This worker's folder for its child ledger and engine logs (default: ~/.local/state/robocurse/worker)" })
      .option('prefix', PREFIX)
      .option('lock-duration', { type: 'number', requiresArg: true, coerce: numberArg('--lock-duration', { min: 1, integer: false }), describe: 'Seconds a chunk stays this worker\'s without a lock renewal (default 120; the same on every worker)' })
      .option('stalled-interval', { type: 'number', requiresArg: true, coerce: numberArg('--stalled-interval', { min: 0.1, integer: false }), describe: 'Seconds between checks for chunks of lost workers (default 30; the same on every worker)' }),
    workers: (y) => y
      .option('queue', { ...QUEUE, demandOption: true, describe: 'The Redis queue to look at' })
      .option('prefix', PREFIX),
    copy: (y) => filterOptions(y
      .positional('source', { type: 'string', describe: 'The tree to copy' })
      .positional('destination', { type: 'string', describe: 'Where to copy it (created when missing)' })
      .option('mirror', { type: 'boolean', default: false, describe: 'Also delete what the source does not have (robocopy /MIR), with the mirror safety rails' })
      .option('engine', { type: 'string', describe: 'native, rsync or robocopy (default: robocopy on Windows, else native)' })
      .option('max-jobs', { ...MAX_JOBS, describe: 'Copy jobs at once (default 4)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'List what would be copied, updated or deleted; write nothing' })
      .option('bwlimit', { type: 'number', describe: 'Bandwidth budget in Mbit/s for all jobs together (0 = unlimited)' })
      .option('chunk-files', { type: 'number', describe: 'Cut the tree into chunks of at most this many files (default 50000)' })
      .option('resume', { type: 'boolean', default: true, describe: 'Resume an unfinished earlier copy of the same pair (--no-resume starts afresh)' })
      .option('allow-mass-delete', ALLOW_MASS_DELETE)
      .option('save-profile', { type: 'string', describe: 'Also write these settings as a profile of this name into --config (created when missing)' })),
    'retry-failed': (y) => y
      .option('max-jobs', { ...MAX_JOBS, describe: 'Override global.maxConcurrentJobs' })
      .option('allow-mass-delete', ALLOW_MASS_DELETE)
      .option('dry-run', { type: 'boolean', default: false, hidden: true }),
    status: (y) => y
      .option('session', { ...SESSION, describe: 'Session id (default: the newest)' })
      .option('state-dir', STATE_DIR)
      .option('check', { type: 'boolean', describe: 'One line and an exit code for monitors: 0 healthy, 1 failed, 5 stale, 6 locked' })
      .option('idle', { type: 'boolean', describe: 'With --check: only whether a run could start now (exit 6 while the profile is locked); for systemd ExecCondition' })
      .option('max-age', { type: 'string', describe: 'With --check: the last successful run must have ended within this (26h, 90m, 2d, seconds)' })
      .option('stale-after', { type: 'number', describe: 'With --check: seconds without a progress report before a running session is stale (default 3 health intervals + 30)' })
      .option('watch', { alias: 'w', type: 'boolean', default: false, describe: 'Refresh in place until the session ends (Ctrl-C leaves the run going)' })
      .option('interval', { type: 'number', describe: 'Seconds between refreshes of --watch (default 2)' }),
    history: (y) => y
      .option('limit', { type: 'number', default: 20, requiresArg: true, coerce: numberArg('--limit', { min: 1, integer: true }), describe: 'How many sessions' })
      .option('failed-files', { type: 'string', describe: 'Every file still failing at the end of session SESSION (default: the newest), instead of the list of sessions' })
      .option('state-dir', STATE_DIR),
    log: (y) => y
      .positional('action', { type: 'string', describe: 'show: the per-file log (files.log) of a session | summarize FILE...: totals and failed files of robocopy or rsync logs' })
      .positional('files', { type: 'string', array: true, describe: 'summarize: the log files' })
      .option('session', { ...SESSION, describe: 'Session id (default: the newest)' })
      .option('failed', { type: 'boolean', default: false, describe: 'Only the files that failed' })
      .option('code-page', { type: 'string', requiresArg: true, coerce: codePageArg('--code-page'), describe: 'summarize: read logs that are neither UTF-16 nor UTF-8 in this code page (e.g. 1255) instead of detecting it' })
      .option('state-dir', STATE_DIR),
    state: (y) => y
      .positional('action', { choices: ['repair'] as const, describe: 'repair: move an unusable state database aside (kept) and start a new one' })
      .option('state-dir', { type: 'string', describe: 'The state folder (instead of the one of --config)' }),
    snapshot: (y) => y
      .positional('action', { choices: ['list', 'create', 'delete'] as const, describe: 'list | create (a kept snapshot of --profile) | delete <id>' })
      .positional('id', { type: 'string', describe: 'Snapshot id (for delete)' })
      .option('provider', { type: 'string', requiresArg: true, coerce: stringArg('--provider'), describe: 'Only this provider (list); the provider of an unrecorded snapshot (delete)' }),
    schedule: (y) => y
      .positional('action', { choices: ['plan', 'sync', 'list', 'status', 'remove', 'run-now'] as const, describe: 'plan (what sync would change) | sync | list | status | remove | run-now (--profile)' })
      .option('backend', { choices: ['systemd', 'cron', 'schtasks', 'launchd'] as const, describe: 'Scheduler to use (default: the host\'s own; cron where systemd is not running)' })
      .option('user', { type: 'boolean', describe: "The invoking user's schedule (default)" })
      .option('system', { type: 'boolean', describe: 'System-wide (systemd system units, LaunchDaemons, a SYSTEM task)' })
      .option('run-as', { type: 'string', describe: 'Task Scheduler: the account of --user tasks (default: this user)' })
      .option('password-stdin', { type: 'boolean', describe: "Task Scheduler: read the account's password from stdin (never from argv)" }),
    dashboard: (y) => y
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on; anything but loopback needs TLS or --unsafe-no-tls' })
      .option('port', { type: 'number', default: 0, describe: 'Port (default: any free port)' })
      .option('read-only', { type: 'boolean', default: false, describe: 'Watch only: no control routes at all' })
      .option('tls-cert', { type: 'string', describe: 'PEM certificate file (with --tls-key): serve HTTPS' })
      .option('tls-key', { type: 'string', describe: 'PEM private key file (with --tls-cert)' })
      .option('unsafe-no-tls', { type: 'boolean', default: false, describe: 'Allow a non-loopback --host without TLS (token and commands in clear text)' })
      .option('allow-host', { type: 'string', array: true, describe: 'Extra Host header name to answer to (reverse proxy, tunnel); repeatable' }),
    verify: (y) => y
      .option('mode', { choices: ['meta', 'sample', 'full'] as const, describe: 'meta: size and time (and mode); sample: plus a content hash of --sample % of the files; full (default): a content hash of every file' })
      .option('sample', { type: 'number', describe: "--mode sample: percentage of files hashed (default: the profile's verifySample)" }),
    prune: (y) => y
      .option('dry-run', { type: 'boolean', default: false, describe: 'Only say what would be compressed or deleted' }),
    pause: control, suspend: control, resume: control, drain: control, stop: control,
    'set-bandwidth': valued, 'set-concurrency': valued,
    'retry-chunk': chunk, 'skip-chunk': chunk,
  };
}

/** Each command's handler, loaded on use. */
export function commandHandlers<R>(run: (lazy: Lazy) => (args: Record<string, unknown>) => R): Record<string, (args: Record<string, unknown>) => R> {
  const control = (name: 'pause' | 'suspend' | 'resume' | 'drain' | 'stop' | 'set-bandwidth' | 'set-concurrency' | 'retry-chunk' | 'skip-chunk') =>
    run(async () => (await import('./commands/control')).controlCommand(name));
  return {
    validate: run(async () => (await import('./commands/validate')).validateCommand),
    plan: run(async () => (await import('./commands/plan')).planCommand),
    run: run(async () => (await import('./commands/run')).runCommand),
    copy: run(async () => (await import('./commands/copy')).copyCommand),
    'retry-failed': run(async () => (await import('./commands/run')).retryFailedCommand),
    status: run(async () => (await import('./commands/state-views')).statusCommand),
    history: run(async () => (await import('./commands/state-views')).historyCommand),
    log: run(async () => (await import('./commands/log')).logCommand),
    state: run(async () => (await import('./commands/state-repair')).stateCommand),
    snapshot: run(async () => (await import('./commands/snapshot')).snapshotCommand),
    schedule: run(async () => (await import('./commands/schedule')).scheduleCommand),
    dashboard: run(async () => (await import('./commands/dashboard')).dashboardCommand),
    verify: run(async () => (await import('./commands/verify')).verifyCommand),
    prune: run(async () => (await import('./commands/prune')).pruneCommand),
    plugins: run(async () => (await import('./commands/plugins')).pluginsCommand),
    worker: run(async () => (await import('./commands/worker')).workerCommand),
    workers: run(async () => (await import('./commands/workers')).workersCommand),
    pause: control('pause'), suspend: control('suspend'), resume: control('resume'), drain: control('drain'), stop: control('stop'),
    'set-bandwidth': control('set-bandwidth'), 'set-concurrency': control('set-concurrency'),
    'retry-chunk': control('retry-chunk'), 'skip-chunk': control('skip-chunk'),
  };
}
