import { spawn } from 'node:child_process';

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

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** The real runner. Messages are forced to English (LC_ALL=C) so errors read the same everywhere. */
export function spawnCommandRunner(): CommandRunner {
  return {
    run(command, args, options = {}) {
      for (const a of [command, ...args]) {
        // A newline in a path would make btrfs output ambiguous; no sane source path has one.
        if (CONTROL_CHARS.test(a)) return Promise.reject(new Error(`refusing to run ${command}: an argument contains a control character: ${JSON.stringify(a)}`));
      }
      return new Promise((resolve) => {
        const child = spawn(command, args as string[], { shell: false, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
        const out: Buffer[] = []; const err: Buffer[] = [];
        let timedOut = false;
        const timer = options.timeoutMs ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, options.timeoutMs) : undefined;
        child.stdout.on('data', (b: Buffer) => out.push(b));
        child.stderr.on('data', (b: Buffer) => err.push(b));
        child.once('error', (e) => {
          if (timer) clearTimeout(timer);
          resolve({ code: null, stdout: '', stderr: '', spawnError: e });
        });
        child.once('close', (code) => {
          if (timer) clearTimeout(timer);
          resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
        });
      });
    },
  };
}
