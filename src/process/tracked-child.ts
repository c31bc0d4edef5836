import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { windowsSystemExecutable } from './system-executables';

/** How a tracked child ended. */
export interface ChildExit {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  spawnError?: Error;
}

export interface TrackedChild {
  readonly child: ChildProcess;
  readonly pid: number | undefined;
  /** Resolves once, when the process has exited (or failed to start). Never rejects. */
  readonly exited: Promise<ChildExit>;
  /** SIGTERM the whole process group, then SIGKILL after `graceMs`; resolves on exit. */
  killTree(graceMs?: number): Promise<ChildExit>;
  /** SIGSTOP the whole process group (POSIX only). */
  suspend(): void;
  /** SIGCONT the whole process group (POSIX only). */
  resume(): void;
}

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Throws when an argv element carries control characters (never valid in paths or switches). */
export function assertCleanArgv(command: string, args: readonly string[]): void {
  for (const a of [command, ...args]) {
    if (CONTROL_CHARS.test(a)) throw new Error(`refusing to spawn: argument contains a control character: ${JSON.stringify(a)}`);
  }
}

/**
 * Spawns `command` with an argv array (never a shell) in its own process group, so the whole tree
 * can be stopped, suspended or killed together. On Windows, kill uses `taskkill /T /F`.
 */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions = {}): TrackedChild {
  assertCleanArgv(command, args);
  const isWin = process.platform === 'win32';
  const child = spawn(command, args as string[], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
    shell: false,
    // A new process group (POSIX): kill(-pid) reaches every descendant. On Windows, detached
    // would open a console window, and taskkill /T walks the tree instead.
    detached: !isWin,
    windowsHide: true,
  });
  const exited = new Promise<ChildExit>((resolve) => {
    let settled = false;
    child.once('error', (err) => { if (!settled && child.pid === undefined) { settled = true; resolve({ code: null, signal: null, spawnError: err }); } });
    child.once('close', (code, signal) => { if (!settled) { settled = true; resolve({ code, signal }); } });
  });
  let ended = false;
  void exited.then(() => { ended = true; });

  const signalGroup = (sig: NodeJS.Signals): void => {
    if (ended || child.pid === undefined) return;
    try {
      if (isWin) {
        if (sig === 'SIGKILL' || sig === 'SIGTERM') spawn(windowsSystemExecutable('taskkill'), ['/PID', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
      } else {
        process.kill(-child.pid, sig);
      }
    } catch (err) {
      // ESRCH: the group is already gone, which is what we wanted.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };

  return {
    child,
    pid: child.pid,
    exited,
    async killTree(graceMs = 2000): Promise<ChildExit> {
      // A stopped process does not act on SIGTERM until continued.
      signalGroup('SIGCONT');
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      try { return await exited; } finally { clearTimeout(timer); }
    },
    suspend(): void { if (!isWin) signalGroup('SIGSTOP'); },
    resume(): void { if (!isWin) signalGroup('SIGCONT'); },
  };
}
