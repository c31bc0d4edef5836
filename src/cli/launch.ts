import { EXIT } from './exit-codes';

type Main = (argv: string[]) => Promise<number>;
type Proc = Pick<NodeJS.Process, 'on' | 'off' | 'exit' | 'listenerCount'> & { stderr: Pick<NodeJS.WriteStream, 'write'>; exitCode?: number | string | null };

function describe(err: unknown): string {
  return err instanceof Error ? err.stack ?? err.message : String(err);
}

/**
 * Runs the CLI's main() as the process's one job (bin/robocurse.js) and is the last line of
 * defence for its exit code. Two ways a process could otherwise end with a code no table lists:
 *
 * - the event loop runs dry while main() is still pending (a run waiting on a promise nothing will
 *   settle). Node would exit 0, the worst answer: "success" with work pending. `beforeExit` fires
 *   exactly then; it becomes a loud internal error and exit 4.
 * - an uncaught exception or unhandled rejection outside a run (Node's default is exit 1, which
 *   means "chunks failed" in our table). During a run the run's own emergency handler (snapshot
 *   clean-up) owns these; this one steps in only when it is the only listener.
 * - a SIGTERM or Ctrl-C after main() returned, while the process winds down (threads ending,
 *   handles closing, then Node freeing the heap, ~15 ms after a run). Node's default would end
 *   the process by the signal: no exit code at all, after a run that had finished and recorded
 *   everything. So once main() settled these signals exit at once with its code (a run's own
 *   handlers are removed only after that, see signal-control.ts), and when the loop has run dry
 *   the last `exit` listener ends the process through process.exit: Node's own ending would
 *   first close the signal handles (the default action back) and only then free the heap, the
 *   window a CI run hit.
 */
export function launch(main: Main, argv: string[], proc: Proc = process): void {
  let settled = false;
  const fatal = (what: string): void => {
    proc.stderr.write(`robocurse: internal error: ${what}\nThis is a bug in robocurse; please report it with the log file. Exit code ${EXIT.Fatal}.\n`);
  };
  const onBeforeExit = (): void => {
    if (settled) return;
    fatal('the command ended without finishing (nothing was left to wait for, but it had not returned an exit code)');
    proc.exit(EXIT.Fatal);
  };
  const onCrash = (event: 'uncaughtException' | 'unhandledRejection') => (err: unknown): void => {
    if (proc.listenerCount(event) > 1) return; // a run's emergency handler deletes snapshots, then exits 4
    fatal(describe(err));
    proc.exit(EXIT.Fatal);
  };
  const onException = onCrash('uncaughtException');
  const onRejection = onCrash('unhandledRejection');
  proc.on('beforeExit', onBeforeExit);
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  const afterEnd = (): void => { proc.exit(Number(proc.exitCode ?? EXIT.Fatal)); };
  const settle = (code: number): void => {
    settled = true;
    proc.exitCode = code;
    proc.on('SIGTERM', afterEnd);
    proc.on('SIGINT', afterEnd);
    // Added after every other `exit` listener (pino's flush at exit among them), so it runs last.
    proc.on('exit', afterEnd);
  };
  main(argv).then(
    (code) => settle(code),
    (err: unknown) => { fatal(describe(err)); settle(EXIT.Fatal); },
  );
}
