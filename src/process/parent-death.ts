import { childProcess } from './child-process';
import { fsx } from '../fs/fsx';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { hostFact } from './host-fact';

/**
 * The absolute path of an executable as execvp(3) would find it (`PATH` of the child's
 * environment), or undefined when there is none.
 */
export function resolveExecutable(command: string, envPath: string | undefined, cwd = process.cwd()): string | undefined {
  const candidates = command.includes('/') ? [path.resolve(cwd, command)] : (envPath ?? '').split(':').filter(Boolean).map((d) => path.resolve(cwd, d, command));
  for (const c of candidates) {
    try {
      if (fs.statSync(c).isFile()) { fs.accessSync(c, fs.constants.X_OK); return c; }
    } catch { /* not here */ }
  }
  return undefined;
}

/** setpriv(1) of util-linux (>= 2.33) when it can set a parent-death signal on this host (hostFact). */
const setprivPath = hostFact((): string | undefined => {
  const found = resolveExecutable('setpriv', process.env.PATH ?? '/usr/bin:/bin');
  return found && probeSucceeds(found, ['--pdeathsig', 'KILL', '--', 'true']) ? found : undefined;
});

/**
 * Whether `file args` exits 0 (stdio ignored, 10 s at most). Through the helper's posix_spawn when
 * it is there: spawnSync forks the whole process first, ~15-20 ms of the main thread at a run's
 * size, where this probe itself takes a few.
 */
export function probeSucceeds(file: string, args: string[]): boolean {
  if (fsx?.spawnWait) {
    try {
      return fsx.spawnWait(file, [file, ...args], 10_000) === 0;
    } catch {
      return false;
    }
  }
  return childProcess().spawnSync(file, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/**
 * `command args` rewritten so that, on Linux, the child is SIGKILLed by the kernel the moment
 * robocurse dies, however it dies (SIGKILL and OOM included): `setpriv --pdeathsig KILL -- cmd`
 * sets PR_SET_PDEATHSIG and then execs the command, which keeps the signal (it is not set-user-ID).
 *
 * The kernel sends it when the *thread* that forked the child ends, not the process. Node forks
 * from the thread that calls spawn: the main thread is fine; a worker thread is not (its end,
 * e.g. a pool shrinking, would kill a healthy copy), so children spawned off the main thread are
 * left unwrapped and rely on the reaper of the next run. So is a command that cannot be found or
 * run: unwrapped, its spawn fails with ENOENT/EACCES as before, not with setpriv's exit status.
 * Elsewhere (no setpriv, not Linux) the command is returned as given.
 */
export function withParentDeathSignal(command: string, args: readonly string[], envPath: string | undefined, cwd?: string): { command: string; args: string[] } {
  if (process.platform !== 'linux' || !isMainThread) return { command, args: [...args] };
  const setpriv = setprivPath();
  const exe = setpriv && resolveExecutable(command, envPath, cwd);
  if (!setpriv || !exe) return { command, args: [...args] };
  return { command: setpriv, args: ['--pdeathsig', 'KILL', '--', exe, ...args] };
}
