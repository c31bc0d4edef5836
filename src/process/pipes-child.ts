import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import { isMainThread } from 'node:worker_threads';
import { fsx, type FsxBinding } from '../fs/fsx';
import { paceReads, type PacedReads } from './paced-reads';

type SpawnPipes = NonNullable<FsxBinding['spawnPipes']>;

/** Signal numbers back to their names, as Node's ChildProcess reports them. */
const SIGNAL_NAMES: ReadonlyMap<number, NodeJS.Signals> = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

export interface PipesChildOptions {
  /** Read stdout at most about this often while the process runs (paced-reads.ts); default at every write. */
  paceStdoutMs?: number;
}

/**
 * A child process started by the helper's posix_spawn (native/spawn-pipes.c) instead of
 * node:child_process, which forks: each fork copies the page tables of the whole process (~13 ms
 * of the main thread per copier at a run's ~150 MiB; docs/benchmarks.md "Session 19"). It has
 * the parts of Node's ChildProcess a tracked child uses, with the same order of events: 'exit'
 * (code, signal) once the process has ended, then 'close' (code, signal) once its output pipes
 * are read to the end as well.
 */
export class PipesChild extends EventEmitter {
  readonly stdin = null;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  /** The exit and the two pipes: 'close' once all three are done. */
  private pending = 3;

  /** Pacing of stdout's reads while the process runs (paced-reads.ts), if asked for. */
  private pacing?: PacedReads;

  private constructor(readonly pid: number, readonly stdout: Readable, readonly stderr: Readable) {
    super();
    for (const s of [stdout, stderr]) s.once('close', () => this.settle());
  }

  /**
   * Starts `file` with `argv` (argv[0] included) and `env`. undefined when posix_spawn refuses
   * (no process was made: the caller may start it another way); once the process exists, any
   * error is thrown, never a second start.
   */
  static start(spawnPipes: SpawnPipes, file: string, argv: readonly string[], env: NodeJS.ProcessEnv, opts: PipesChildOptions = {}): PipesChild | undefined {
    const envList = Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => `${k}=${v}`);
    // Set once the child object exists: the exit can only arrive on a later turn of the loop.
    let onExit: (code: number | null, signal: number | null) => void = () => undefined;
    let started: [number, number, number];
    try {
      started = spawnPipes(file, [...argv], envList, (code, signal) => onExit(code, signal));
    } catch {
      return undefined;
    }
    const [pid, out, err] = started;
    // node:net only now: a run with the native engine spawns nothing (start-up is timed whole).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const net = require('node:net') as typeof import('node:net');
    const pace = opts.paceStdoutMs ?? 0;
    // A high-water mark of one byte: a paused stdout stops reading at once (paced-reads.ts).
    const stdout = new net.Socket({ fd: out, readable: true, writable: false, ...(pace > 0 ? { readableHighWaterMark: 1 } : {}) });
    const child = new PipesChild(pid, stdout, new net.Socket({ fd: err, readable: true, writable: false }));
    if (pace > 0) child.pacing = paceReads(stdout, pace);
    onExit = (code, signal) => child.onExit(code, signal);
    return child;
  }

  /** As ChildProcess.kill: the process alone; false, and no signal, once it has exited. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.exitCode !== null || this.signalCode !== null) return false;
    try {
      process.kill(this.pid, signal);
      return true;
    } catch (err) {
      // Reaped already, its exit not delivered yet.
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw err;
    }
  }

  private onExit(code: number | null, signal: number | null): void {
    // What the process wrote last, and the end of its output, are read without delay.
    this.pacing?.stop();
    this.exitCode = code;
    this.signalCode = signal === null ? null : SIGNAL_NAMES.get(signal) ?? null;
    this.emit('exit', this.exitCode, this.signalCode);
    this.settle();
  }

  private settle(): void {
    if (--this.pending === 0) this.emit('close', this.exitCode, this.signalCode);
  }
}

/**
 * The helper's spawnPipes when a child can be started through it: Linux, the main thread (the
 * parent-death signal follows the thread that spawns: parent-death.ts), a helper that has it, and
 * nothing asked of the spawn besides its environment (stdio, cwd, ids and the like are
 * node:child_process's). undefined otherwise.
 */
export function pipesSpawner(options: object): SpawnPipes | undefined {
  if (process.platform !== 'linux' || !isMainThread || !fsx?.spawnPipes) return undefined;
  if (Object.keys(options).some((k) => k !== 'env')) return undefined;
  return fsx.spawnPipes.bind(fsx);
}
