import { runCommand, spawnDetached } from '../process/run-command';

/** What one external command did. Output is bytes: a crontab may hold any bytes. */
export interface CommandResult {
  /** Exit code; null when killed by a signal or never started. */
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
  /** ENOENT and friends: the command could not be started at all. */
  spawnError?: string;
}

export interface RunOptions {
  /** Written to the child's stdin, then stdin is closed (a password, a crontab, a task XML). */
  stdin?: Buffer | string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Every call robocurse makes to a system scheduler (systemctl, crontab, schtasks, launchctl,
 * powershell) goes through this: an argv, never a shell. Tests replay recorded transcripts
 * through a fake one for the schedulers this machine does not have.
 */
export interface CommandRunner {
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Starts a command that outlives robocurse (`run-now` on cron); returns its pid. */
  startDetached(argv: readonly string[], cwd: string): Promise<number>;
}

/** Scheduler tools answer in seconds; one that hangs (a prompt, a dead bus) is killed. */
const TIMEOUT_MS = 120_000;

export class SpawnCommandRunner implements CommandRunner {
  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const r = await runCommand(argv, { stdin: options.stdin ?? '', env: options.env ?? process.env, timeoutMs: TIMEOUT_MS });
    return { code: r.code, stdout: r.stdout, stderr: r.stderr, spawnError: r.spawnError ? String(r.spawnError.message) : undefined };
  }

  startDetached(argv: readonly string[], cwd: string): Promise<number> {
    return spawnDetached(argv, cwd);
  }
}

/** First line of a command's stderr (or stdout), for error messages. */
export function firstLine(r: CommandResult): string {
  const text = (r.stderr.length ? r.stderr : r.stdout).toString('utf8').trim();
  return r.spawnError ?? (text.split(/\r?\n/)[0] || `exit code ${r.code}`);
}
