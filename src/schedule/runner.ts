import { spawn } from 'node:child_process';
import { assertCleanArgv, spawnTracked } from '../process/tracked-child';

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
    const [cmd, ...args] = argv;
    const child = spawnTracked(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    const out: Buffer[] = []; const err: Buffer[] = [];
    child.child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.child.stderr?.on('data', (b: Buffer) => err.push(b));
    // EPIPE when the tool exits without reading its stdin: its exit code tells what happened.
    child.child.stdin?.on('error', () => undefined);
    child.child.stdin?.end(options.stdin ?? '');
    const timer = setTimeout(() => { void child.killTree(); }, TIMEOUT_MS);
    const exit = await child.exited;
    clearTimeout(timer);
    return { code: exit.code, stdout: Buffer.concat(out), stderr: Buffer.concat(err), spawnError: exit.spawnError ? String(exit.spawnError.message) : undefined };
  }

  startDetached(argv: readonly string[], cwd: string): Promise<number> {
    const [cmd, ...args] = argv;
    assertCleanArgv(cmd, args);
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { cwd, detached: true, stdio: 'ignore', shell: false, windowsHide: true });
      child.once('error', reject);
      child.once('spawn', () => { child.unref(); resolve(child.pid!); });
    });
  }
}

/** First line of a command's stderr (or stdout), for error messages. */
export function firstLine(r: CommandResult): string {
  const text = (r.stderr.length ? r.stderr : r.stdout).toString('utf8').trim();
  return r.spawnError ?? (text.split(/\r?\n/)[0] || `exit code ${r.code}`);
}
