import { childProcess } from './child-process';
import type { ChildLedger } from '../api/child-ledger';
import { assertCleanArgv, spawnTracked } from './tracked-child';

/** What one short external command did. Output is bytes: decode it as the tool writes it. */
export interface CommandOutcome {
  /** Exit code; null when killed by a signal or never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
  /** The command could not be started at all (ENOENT: not installed; EACCES). */
  spawnError?: Error;
  /** It ran past `timeoutMs` and its whole process tree was killed. */
  timedOut: boolean;
}

export interface RunCommandOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to the child's stdin, which is then closed (a crontab, a task XML). Default: no stdin. */
  stdin?: Buffer | string;
  /** Kill the whole process tree after this long (default: never). */
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL when the time is up (default 2000 ms). */
  killGraceMs?: number;
  /** Notes the child while it runs, so a later run reaps it should robocurse die first. */
  ledger?: ChildLedger;
}

/**
 * Runs one external command to its end and collects its output: the one way robocurse, its
 * engines' probes and its plugins (through robocurse/plugin) run a system tool. It is
 * spawnTracked underneath: an argv array and never a shell (arguments with control characters are
 * refused: the promise rejects before anything starts), a process group of its own so a timeout
 * kills the whole tree, a parent-death signal on Linux, and the child ledger when given. Never
 * rejects once the command was started: a tool that is missing, fails or hangs is an outcome.
 */
export async function runCommand(argv: readonly string[], options: RunCommandOptions = {}): Promise<CommandOutcome> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('runCommand: empty argv');
  const { stdin, timeoutMs, killGraceMs, ledger, env, cwd } = options;
  // Only what differs from spawnTracked's defaults (stdin ignored, output piped, no cwd): a spawn
  // that asks for nothing else starts without a fork of robocurse (pipes-child.ts).
  const child = spawnTracked(command, args, {
    ...(stdin === undefined ? {} : { stdio: ['pipe', 'pipe', 'pipe'] }), ...(cwd === undefined ? {} : { cwd }), env: env ?? process.env, ledger,
  });
  const out: Buffer[] = []; const err: Buffer[] = [];
  child.child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.child.stderr?.on('data', (b: Buffer) => err.push(b));
  if (stdin !== undefined) {
    // EPIPE when the tool exits without reading its stdin: its exit code tells what happened.
    child.child.stdin?.on('error', () => undefined);
    child.child.stdin?.end(stdin);
  }
  let timedOut = false;
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => { timedOut = true; void child.killTree(killGraceMs); }, timeoutMs);
  const exit = await child.exited;
  clearTimeout(timer);
  return {
    code: exit.code, signal: exit.signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), timedOut,
    ...(exit.spawnError ? { spawnError: exit.spawnError } : {}),
  };
}

/**
 * Starts a command meant to outlive robocurse (a scheduled run started now): its own session,
 * no parent-death signal, no ledger, nothing inherited. Resolves with its pid once it started.
 */
export function spawnDetached(argv: readonly string[], cwd: string): Promise<number> {
  const [command, ...args] = argv;
  assertCleanArgv(command, args);
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn(command, args, { cwd, detached: true, stdio: 'ignore', shell: false, windowsHide: true });
    child.once('error', reject);
    child.once('spawn', () => { child.unref(); resolve(child.pid!); });
  });
}

/** What a probe run by runCommandSync printed and how it ended. */
export interface SyncOutcome {
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
  /** Could not be started, or ran past its time (ETIMEDOUT). */
  error?: Error;
}

/**
 * Runs a short probe to its end, blocking (a tool's `--version` or usage text, looked at once per
 * run before any copy starts): argv array, never a shell, control characters refused, killed
 * after `timeoutMs` (default 10 s), output capped at `maxBuffer` bytes (default 1 MiB).
 */
export function runCommandSync(argv: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; maxBuffer?: number } = {}): SyncOutcome {
  const [command, ...args] = argv;
  assertCleanArgv(command, args);
  const r = childProcess().spawnSync(command, args, {
    env: options.env ?? process.env, timeout: options.timeoutMs ?? 10_000, maxBuffer: options.maxBuffer ?? 1 << 20,
    shell: false, windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: r.status, stdout: r.stdout ?? Buffer.alloc(0), stderr: r.stderr ?? Buffer.alloc(0), ...(r.error ? { error: r.error } : {}) };
}
