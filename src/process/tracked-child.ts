import type { SpawnOptions } from 'node:child_process';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { childProcess } from './child-process';
import { PipesChild, pipesSpawner } from './pipes-child';
import { windowsSystemExecutable } from './system-executables';
import type { ChildLedger } from '../api/child-ledger';
import { resolveExecutable, withParentDeathSignal } from './parent-death';

/** How a tracked child ended. */
export interface ChildExit {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  spawnError?: Error;
}

/** What a tracked child's users need of the process: Node's ChildProcess, or a PipesChild. */
export interface ChildHandle {
  readonly pid?: number | undefined;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  once(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
  /** The signal to the process alone (not its group); false once it has exited. */
  kill(signal?: NodeJS.Signals): boolean;
}

export interface TrackedChild {
  readonly child: ChildHandle;
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

export interface TrackedSpawnOptions extends SpawnOptions {
  /** Notes the child while it runs, so a later run can reap it if robocurse dies first. */
  ledger?: ChildLedger;
  /**
   * Read the child's stdout at most about this often while it runs, not at every write
   * (paced-reads.ts): for a chatty child whose lines can wait that long. Where the child is
   * started by node:child_process (not Linux, a worker thread, no helper) it is read as it writes.
   */
  paceStdoutMs?: number;
}

/**
 * The child started through the helper's posix_spawn (pipes-child.ts) when it can be: same argv,
 * environment, pipes and process group as the spawn below, without Node's fork of the whole
 * process. undefined when it cannot (then node:child_process starts it, and reports a program that
 * cannot be run in its own way: ENOENT, EACCES).
 */
function startWithoutFork(launch: { command: string; args: string[] }, options: SpawnOptions, env: NodeJS.ProcessEnv, paceStdoutMs: number | undefined): ChildHandle | undefined {
  const spawnPipes = pipesSpawner(options);
  if (!spawnPipes) return undefined;
  const file = path.isAbsolute(launch.command) ? launch.command : resolveExecutable(launch.command, env.PATH);
  if (file === undefined) return undefined;
  // argv[0] as Node would give it: the command as named.
  return PipesChild.start(spawnPipes, file, [launch.command, ...launch.args], env, { paceStdoutMs });
}

/**
 * Spawns `command` with an argv array (never a shell) in its own process group, so the whole tree
 * can be stopped, suspended or killed together. On Windows, kill uses `taskkill /T /F`.
 *
 * The child dies with robocurse: on Linux through a parent-death signal (withParentDeathSignal);
 * everywhere, when a ledger is given, it is noted there until it exits, and the next run reaps
 * what outlived a robocurse that was killed.
 */
export function spawnTracked(command: string, args: readonly string[], options: TrackedSpawnOptions = {}): TrackedChild {
  assertCleanArgv(command, args);
  const isWin = process.platform === 'win32';
  const { ledger, paceStdoutMs, ...spawnOptions } = options;
  const cwd = spawnOptions.cwd === undefined ? undefined : String(spawnOptions.cwd);
  const env = spawnOptions.env ?? process.env;
  const launch = withParentDeathSignal(command, args, env.PATH, cwd);
  const child: ChildHandle = startWithoutFork(launch, spawnOptions, env, paceStdoutMs) ?? childProcess().spawn(launch.command, launch.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...spawnOptions,
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
  const forget = child.pid !== undefined && ledger ? ledger.recordChild(child.pid, command) : undefined;
  void exited.then(() => { ended = true; forget?.(); });

  const signalGroup = (sig: NodeJS.Signals): void => {
    if (ended || child.pid === undefined) return;
    try {
      if (isWin) {
        if (sig === 'SIGKILL' || sig === 'SIGTERM') childProcess().spawn(windowsSystemExecutable('taskkill'), ['/PID', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
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
