/**
 * Output that cannot be written must never stop the work: a reader that went away (`| head`, an
 * ssh session dropped) or a full disk under a cron redirect (`>> /var/log/robocurse.out` on a full
 * /var). A `run --json` whose stdout was such a file died at its first progress line, with a stack
 * trace and nothing copied. Now a failed write on stdout or stderr, whether the stream throws it
 * (a file: Node's SyncWriteStream) or emits it (a pipe), drops that stream's output from then on;
 * the command goes on and keeps its own exit code: the run's log file and state database record
 * everything (docs/operations.md). When stdout failed for another reason than a reader that went
 * away, one line on stderr says so as the process ends.
 */

/** A system error of a write (it has an errno and a syscall); anything else is a bug and is thrown as before. */
function isWriteError(err: unknown): err is NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException | undefined;
  return typeof e?.errno === 'number' && typeof e.syscall === 'string';
}

/** A reader that went away: dropping the output is all there is to do, nothing to tell. */
export function readerGone(err: NodeJS.ErrnoException): boolean {
  return err.code === 'EPIPE' || err.code === 'EIO';
}

type Write = NodeJS.WriteStream['write'];

/** The streams and process hooks the guard uses (process itself, or a test's stand-ins). */
export interface GuardedProcess {
  stdout: NodeJS.WritableStream & { write: Write };
  stderr: NodeJS.WritableStream & { write: Write };
  on(event: 'exit', listener: () => void): unknown;
}

/** Streams already guarded: main() may run more than once in one process (the build's cache training). */
const GUARDED = Symbol('robocurse.outputGuarded');

/** Drops a stream's output after its first failed write; `failed` hears of that failure once. */
function guardStream(stream: GuardedProcess['stdout'], failed: (err: NodeJS.ErrnoException) => void): void {
  let broken = false;
  const fail = (err: unknown): boolean => {
    if (!isWriteError(err)) return false;
    if (!broken) { broken = true; failed(err); }
    return true;
  };
  stream.on('error', (err: unknown) => { if (!fail(err)) throw err; });
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, encoding?: unknown, cb?: unknown): boolean => {
    const done = (typeof encoding === 'function' ? encoding : cb) as ((err?: Error | null) => void) | undefined;
    if (!broken) {
      try {
        return write(chunk, encoding, cb);
      } catch (err) {
        if (!fail(err)) throw err;
      }
    }
    // Dropped: the writer is told it went (as a closed pipe's writes are), nothing waits on it.
    if (done) process.nextTick(done);
    return true;
  }) as Write;
}

/** Guards the process's stdout and stderr (see the top of this file). Idempotent. */
export function guardOutput(proc: GuardedProcess = process): void {
  const marked = proc.stdout as unknown as Record<symbol, boolean>;
  if (marked[GUARDED]) return;
  marked[GUARDED] = true;
  let stdoutFailure: NodeJS.ErrnoException | undefined;
  let stderrBroken = false;
  guardStream(proc.stdout, (err) => { if (!readerGone(err)) stdoutFailure = err; });
  guardStream(proc.stderr, () => { stderrBroken = true; });
  proc.on('exit', () => {
    if (stdoutFailure && !stderrBroken) {
      proc.stderr.write(`robocurse: stdout could not be written (${stdoutFailure.message}); what came after was dropped, the work went on (its log file has everything)\n`);
    }
  });
}
