import { runCommand } from '../../src/plugin';

/** How an external command ended, with its whole output (these commands print little). */
export interface CommandResult {
  /** Exit code; null when killed by a signal or never started. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the command could not be started (ENOENT: not installed). */
  spawnError?: Error;
  timedOut?: boolean;
}

/**
 * Runs one external command with an argv array, never through a shell. The btrfs provider only
 * talks to the system through this (and FsView), so unit tests replace it with a fake.
 */
export interface CommandRunner {
  run(command: string, args: readonly string[], options?: { timeoutMs?: number }): Promise<CommandResult>;
}

/**
 * The real runner: robocurse's own (robocurse/plugin runCommand: argv array, no shell, control
 * characters refused, the process tree killed at the time limit, a parent-death signal on Linux).
 * Messages are forced to English (LC_ALL=C) so errors read the same everywhere.
 */
export function spawnCommandRunner(): CommandRunner {
  return {
    async run(command, args, options = {}) {
      const r = await runCommand([command, ...args], { env: { ...process.env, LC_ALL: 'C' }, timeoutMs: options.timeoutMs });
      if (r.spawnError) return { code: null, stdout: '', stderr: '', spawnError: r.spawnError };
      return { code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), timedOut: r.timedOut };
    },
  };
}
