import type { Logger } from '../api';
import { EXIT } from './exit-codes';

/** What an emergency handler needs of the lifecycle. */
export interface EndAll {
  endAll(): Promise<void>;
}

export interface EmergencyCleanupOptions {
  /** How long snapshot deletion may take before the process exits anyway (default 60 s: VSS can be slow). */
  timeoutMs?: number;
  /** Exit code after an uncaught error: EXIT.Fatal (4). */
  exitCode?: number;
  /**
   * Told, just before the exit, what ended the run (`uncaught exception: <message>`): a `run
   * --json` prints it as its last line, so a script sees why no summary came.
   */
  onFatal?: (message: string) => void;
  /** Injected in tests; default the real process and process.exit. */
  target?: Pick<NodeJS.Process, 'on' | 'off'>;
  exit?: (code: number) => void;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * On an uncaught exception or unhandled rejection, deletes the session's working snapshots
 * (waiting at most `timeoutMs`) and exits with code 4. Node would otherwise exit at once and
 * leave the snapshots until the next start. Installing this handler replaces Node's default
 * crash behaviour, so it must exit itself, and does so even when deletion hangs or throws.
 * A second uncaught error while cleaning up is logged and ignored; the first one decides.
 * Returns a function that removes the handlers (call it when the run ends normally).
 */
export function installEmergencyCleanup(lifecycle: EndAll, logger: Logger, options: EmergencyCleanupOptions = {}): () => void {
  const target = options.target ?? process;
  const exit = options.exit ?? ((code: number): void => { process.exit(code); });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let handling = false;
  const onFatal = (err: unknown, origin: string): void => {
    if (handling) {
      logger.error({ err }, `another ${origin} while deleting snapshots after a crash: ${(err as Error)?.message ?? String(err)}`);
      return;
    }
    handling = true;
    const what = `${origin}: ${(err as Error)?.message ?? String(err)}`;
    // The stack goes to the JSON log with `err`; the human line on stderr shows none.
    logger.error({ err }, `${what}; deleting this session's snapshots before exiting`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
    void Promise.race([lifecycle.endAll().then(() => 'done' as const, () => 'failed' as const), timeout]).then((how) => {
      if (timer) clearTimeout(timer);
      if (how !== 'done') logger.error({}, `snapshot clean-up after the crash ${how === 'timeout' ? `took longer than ${timeoutMs} ms` : 'failed'}; the next start deletes what is left`);
      try { options.onFatal?.(what); } catch { /* its output gone: the exit code still says it */ }
      exit(options.exitCode ?? EXIT.Fatal);
    });
  };
  const onException = (err: unknown): void => onFatal(err, 'uncaught exception');
  const onRejection = (reason: unknown): void => onFatal(reason, 'unhandled promise rejection');
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}
