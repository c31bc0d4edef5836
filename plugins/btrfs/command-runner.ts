import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';

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

function onPath(command: string): string | undefined {
  const dirs = command.includes('/') ? [''] : (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').filter(Boolean);
  for (const d of dirs) {
    const p = d ? path.join(d, command) : path.resolve(command);
    try { fs.accessSync(p, fs.constants.X_OK); if (fs.statSync(p).isFile()) return p; } catch { /* not here */ }
  }
  return undefined;
}

/**
 * setpriv(1), when it can set a parent-death signal: the btrfs commands then die with robocurse
 * even when it is SIGKILLed, as the copy engines' children do (robocurse's own spawner does the
 * same; a plugin imports only the public API, so the few lines are repeated here). Only from the
 * main thread: the signal follows the thread that forked the child.
 */
function findSetpriv(): string | undefined {
  if (process.platform !== 'linux' || !isMainThread) return undefined;
  const p = onPath('setpriv');
  return p && spawnSync(p, ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0 ? p : undefined;
}

/** The real runner. Messages are forced to English (LC_ALL=C) so errors read the same everywhere. */
export function spawnCommandRunner(): CommandRunner {
  const setpriv = findSetpriv();
  return {
    run(command, args, options = {}) {
      for (const a of [command, ...args]) {
        // A newline in a path would make btrfs output ambiguous; no sane source path has one.
        if (CONTROL_CHARS.test(a)) return Promise.reject(new Error(`refusing to run ${command}: an argument contains a control character: ${JSON.stringify(a)}`));
      }
      // A command that is not there stays unwrapped, so its spawn still fails with ENOENT ("not installed").
      const exe = setpriv && onPath(command);
      const [file, argv] = exe ? [setpriv!, ['--pdeathsig', 'KILL', '--', exe, ...args]] : [command, [...args]];
      return new Promise((resolve) => {
        const child = spawn(file, argv, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
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
