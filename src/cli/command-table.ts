/**
 * Every command of the CLI: its usage (positionals exactly as it takes them), a one-line summary
 * and two or three examples. main.ts builds the parser from this table, the bare `robocurse`
 * lists it, and test/integration/cli/help.it.spec.ts checks every `--help` against it.
 */
export interface CommandSpec {
  /** The command name, then its positionals in yargs syntax (`<required>`, `[optional]`). */
  usage: string;
  summary: string;
  /** [command line, what it does]; each starts with `robocurse <name>`. */
  examples: ReadonlyArray<readonly [string, string]>;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    usage: 'validate', summary: 'Check the config and report every problem',
    examples: [
      ['robocurse validate --config /etc/robocurse.json', 'every problem of the config, one line each (exit 2), or "config OK"'],
      ['robocurse validate --config robocurse.json --json', 'the same for scripts'],
    ],
  },
  {
    usage: 'plan', summary: 'Scan the sources and show how they would be cut into chunks',
    examples: [
      ['robocurse plan --config robocurse.json --all', 'scan every enabled profile and list its chunks'],
      ['robocurse plan --profile docs --json', 'the plan of one profile for scripts'],
    ],
  },
  {
    usage: 'run', summary: 'Replicate the selected profiles',
    examples: [
      ['robocurse run --config /etc/robocurse.json --all', 'replicate every enabled profile; Ctrl-C drains, twice stops'],
      ['robocurse run --profile docs --dry-run', 'list every file that would be copied, updated or deleted; write nothing'],
      ['robocurse run --profile docs --max-jobs 8 --json', '8 copy jobs at once, status and summary as JSON lines'],
    ],
  },
  {
    usage: 'copy <source> <destination>', summary: 'Copy (or --mirror) one tree to another without a config file, like robocopy SRC DST /MIR',
    examples: [
      ['robocurse copy /srv/docs /mnt/backup/docs', 'copy new and changed files; a repeat resumes where a killed run stopped'],
      ['robocurse copy /srv/docs /mnt/backup/docs --mirror --dry-run', 'list what a mirror would copy and delete'],
      ['robocurse copy /srv/docs /mnt/docs --include "*.pdf" --max-age 30 --save-profile docs -c rc.json', 'PDFs changed in the last 30 days; also saved as profile docs in rc.json'],
    ],
  },
  {
    usage: 'retry-failed', summary: 'Run only the chunks that failed in the last run of --profile',
    examples: [
      ['robocurse retry-failed --profile docs', 'another attempt for every chunk that failed last time'],
      ['robocurse retry-failed --profile docs --max-jobs 2', 'the same, gently'],
    ],
  },
  {
    usage: 'status', summary: 'Show the running (or last) session: live bytes, files, rate, ETA, running chunks; --check for monitors',
    examples: [
      ['robocurse status', 'the run going on now, from any terminal and directory (your last run\'s state folder)'],
      ['robocurse status --watch --config /etc/robocurse.json', 'refresh every 2 s until the run ends'],
      ['robocurse status --check --profile docs --max-age 26h', 'one line and exit 0 healthy, 1 failed, 5 stale, 6 locked'],
    ],
  },
  {
    usage: 'history', summary: 'List recent sessions and their outcomes',
    examples: [
      ['robocurse history', 'the last 20 sessions with durations, outcomes and what they copied'],
      ['robocurse history --limit 5 --json', 'the last 5 for scripts'],
      ['robocurse history --failed-files', 'every file the newest session could not copy (all of them; the summary shows the first 20)'],
    ],
  },
  {
    usage: 'log <action> [files..]', summary: 'Read the per-file log of a run (log show), or summarize robocopy or rsync logs (log summarize FILE...)',
    examples: [
      ['robocurse log show', 'every file the newest run copied, updated, deleted, skipped or failed'],
      ['robocurse log show --failed --session 20260102-030405-a1b2c3', 'only the files that failed in that session'],
      ['robocurse log summarize job1.log job2.log', 'totals and failed files of robocopy or rsync logs; no config needed'],
    ],
  },
  {
    usage: 'state <action>', summary: 'Maintain the state database (state repair)',
    examples: [
      ['robocurse state repair --config /etc/robocurse.json', 'move a corrupt state database aside (kept, never deleted) and start a new one'],
      ['robocurse state repair --state-dir /var/lib/robocurse', 'the same, by folder'],
    ],
  },
  {
    usage: 'snapshot <action> [id]', summary: 'List, create or delete the snapshots of the configured providers',
    examples: [
      ['robocurse snapshot list', 'every snapshot robocurse knows of, and orphans'],
      ['robocurse snapshot create --profile docs', 'a kept snapshot of the profile\'s source'],
      ['robocurse snapshot delete 2026-01-02T03-04-05 --provider btrfs', 'delete one snapshot'],
    ],
  },
  {
    usage: 'schedule <action>', summary: "Install, show or remove each profile's schedule in the system's own scheduler",
    examples: [
      ['robocurse schedule plan --config /etc/robocurse.json', 'what sync would change'],
      ['robocurse schedule sync --config /etc/robocurse.json', 'write the schedules into systemd, cron, Task Scheduler or launchd'],
      ['robocurse schedule run-now --profile docs', 'start the installed entry now, as the scheduler would'],
    ],
  },
  {
    usage: 'dashboard', summary: 'Serve a live web dashboard that follows and steers any run of this state database',
    examples: [
      ['robocurse dashboard --config /etc/robocurse.json', 'open the printed URL in a browser'],
      ['robocurse dashboard --port 8765 --read-only', 'watch only, on a fixed port (for an SSH tunnel)'],
    ],
  },
  {
    usage: 'verify', summary: 'Compare the destination of --profile with its source, chunk by chunk (copies nothing); exit 1 on a mismatch',
    examples: [
      ['robocurse verify --profile docs', 'hash every file on both sides and list what differs (exit 1 on a mismatch)'],
      ['robocurse verify --profile docs --mode sample --sample 5', 'size and time of every file, content of 5 % of them'],
      ['robocurse verify --profile docs --mode meta --json', 'size and time only, as JSON lines for scripts'],
    ],
  },
  {
    usage: 'prune', summary: 'Apply global.retention now: gzip and delete old logs, delete old events (never a running session\'s); exit 1 when a file could not be pruned',
    examples: [
      ['robocurse prune --config /etc/robocurse.json --dry-run', 'say which logs would be compressed or deleted and how many events would go'],
      ['robocurse prune --json', 'prune now, the result as JSON for scripts'],
    ],
  },
  {
    usage: 'plugins', summary: 'List the plugins the config loads',
    examples: [
      ['robocurse plugins --config /etc/robocurse.json', 'every plugin, where it comes from and whether it loads'],
      ['robocurse plugins --json', 'the same for scripts'],
    ],
  },
  {
    usage: 'worker', summary: 'Copy the chunks a coordinator (run --queue) puts on a Redis queue, on this host (docs/scale-out.md)',
    examples: [
      ['robocurse worker --queue redis://10.0.0.5:6379 --slots 4', 'take up to 4 chunks at once until SIGTERM, which hands running chunks back'],
      ['robocurse worker --queue redis://q:6379/2 --slots 2 --path-map /srv/share=/mnt/share', 'the coordinator\'s /srv/share is mounted at /mnt/share here'],
    ],
  },
  {
    usage: 'workers', summary: 'List the workers connected to a queue: host, slots, running chunks, last heartbeat',
    examples: [
      ['robocurse workers --queue redis://10.0.0.5:6379', 'one line per connected worker, and the coordinator holding the queue'],
      ['robocurse workers --queue redis://10.0.0.5:6379 --json', 'the same for scripts'],
    ],
  },
  {
    usage: 'pause', summary: 'Pause a running session: nothing new starts (from another terminal)',
    examples: [
      ['robocurse pause --profile docs', 'running jobs go on, no new ones start'],
      ['robocurse pause --session 20260102-030405-a1b2c3', 'by session id (robocurse status shows it)'],
    ],
  },
  {
    usage: 'suspend', summary: 'Pause and freeze running jobs where the engine can',
    examples: [
      ['robocurse suspend --profile docs', 'freeze the running copies too (SIGSTOP, native gates)'],
      ['robocurse suspend --profile docs --wait 10', 'wait up to 10 s for the session to confirm'],
    ],
  },
  {
    usage: 'resume', summary: 'Resume a paused or suspended session',
    examples: [
      ['robocurse resume --profile docs', 'go on after pause or suspend'],
      ['robocurse resume --session 20260102-030405-a1b2c3', 'by session id'],
    ],
  },
  {
    usage: 'drain', summary: 'Let running jobs finish, start nothing new, then end',
    examples: [
      ['robocurse drain --profile docs', 'end soon without killing a copy (exit 0 if nothing was left, else 3)'],
      ['robocurse drain --session 20260102-030405-a1b2c3 --wait 0', 'queue the drain and return at once'],
    ],
  },
  {
    usage: 'stop', summary: 'Stop a running session and kill its jobs',
    examples: [
      ['robocurse stop --profile docs', 'kill the running copies and end the run (exit 3); a later run resumes'],
      ['robocurse stop --session 20260102-030405-a1b2c3', 'by session id'],
    ],
  },
  {
    usage: 'set-bandwidth <value>', summary: 'Set the run-wide bandwidth budget in Mbit/s (0 = unlimited)',
    examples: [
      ['robocurse set-bandwidth 200 --profile docs', 'all running jobs together at most 200 Mbit/s'],
      ['robocurse set-bandwidth 0 --profile docs', 'no limit'],
    ],
  },
  {
    usage: 'set-concurrency <value>', summary: 'Set the number of concurrent jobs',
    examples: [
      ['robocurse set-concurrency 2 --profile docs', 'at most 2 jobs from now on'],
      ['robocurse set-concurrency 16 --session 20260102-030405-a1b2c3', 'more jobs for a session'],
    ],
  },
  {
    usage: 'retry-chunk <id>', summary: 'Give a chunk that failed another attempt now (or end its retry wait)',
    examples: [
      ['robocurse retry-chunk 1de12a1db35d86ee --profile docs', 'the chunk id as robocurse status shows it'],
      ['robocurse retry-chunk 1de12a1db35d86ee --session 20260102-030405-a1b2c3', 'by session id'],
    ],
  },
  {
    usage: 'skip-chunk <id>', summary: 'Do not copy a queued chunk in this run (it counts as failed)',
    examples: [
      ['robocurse skip-chunk 72d8f39b9c1beb39 --profile docs', 'leave it for retry-failed'],
      ['robocurse skip-chunk 72d8f39b9c1beb39 --session 20260102-030405-a1b2c3', 'by session id'],
    ],
  },
];

/** Longest example line: each is printed whole on a line of its own (help is wrapped at 100 columns). */
export const MAX_EXAMPLE_CHARS = 96;

/**
 * The Examples block of a command's --help: each command line whole on its own line, what it
 * does indented below it (yargs' two-column examples cut long command lines in the middle).
 */
export function examplesText(c: CommandSpec): string {
  return `Examples:\n${c.examples.map(([line, what]) => `  ${line}\n      ${what}`).join('\n')}`;
}

/** The command's name: the first word of its usage. */
export function commandName(c: CommandSpec): string {
  return c.usage.split(' ')[0];
}

/** "validate, plan, run, ..." for the message of a bare `robocurse`. */
export function commandList(): string {
  return COMMANDS.map(commandName).join(', ');
}
