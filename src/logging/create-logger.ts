import pino from 'pino';
import { briefError } from '../errors/brief-error';
import { displayNamesInJsonLine } from '../fs/display-names';
import { openLogFile } from './log-file';

type PrettyFactory = (opts: Record<string, unknown>) => NodeJS.WritableStream;

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface LoggerSetup {
  logger: pino.Logger;
  /** JSON-lines log of this session, when one is written. */
  logFile?: string;
  /** Writes out what is buffered; call before exit. */
  flush(): void;
}

export interface CreateLoggerOptions {
  sessionId?: string;
  /** When set, JSON lines go to <logDir>/robocurse-<sessionId>.log at debug level. */
  logDir?: string;
  level: LogLevel;
  /** Human lines on stderr (colours on a TTY). */
  stderr: NodeJS.WriteStream;
}

/**
 * pino with two outputs: the per-session JSON file (everything, for audits) and human lines on
 * stderr at the chosen level. Every line carries the session id.
 */
export function createLogger(opts: CreateLoggerOptions): LoggerSetup {
  const streams: pino.StreamEntry[] = [];
  let logFile: string | undefined;
  let fileDest: ReturnType<typeof pino.destination> | undefined;
  if (opts.logDir && opts.sessionId) {
    // Session logs name every path and error of a run: private (0700 directory, 0600 file), and
    // a log directory others could write is refused (UnsafePathError). Throws LogDirError naming
    // the directory: an unusable log directory stops the run before it starts.
    const opened = openLogFile(opts.logDir, `robocurse-${opts.sessionId}.log`);
    logFile = opened.file;
    // Written as logged (sync): nothing waits in memory, so a disk that fills up fails the
    // write at hand (guardedFileStream), never a flush. sonic-boom's flushSync (LoggerSetup.flush,
    // and pino's own at exit for an async file) retries any error but EAGAIN forever, 100 ms at a
    // time: with lines pending on a full disk, a run hung at its end, summary printed, never
    // exiting. A line costs a write(2) here (~20 us, as the async writes cost in a burst).
    fileDest = pino.destination({ fd: opened.fd, sync: true });
    streams.push({ level: 'debug', stream: guardedFileStream(fileDest, logFile, opts.stderr) });
  }
  if (opts.level !== 'silent') streams.push({ level: opts.level, stream: lazyPrettyStream(opts.stderr) });
  const minLevel = streams.length ? (fileDest ? 'debug' : opts.level) : 'silent';
  const logger = pino(
    {
      level: minLevel, base: opts.sessionId ? { sessionId: opts.sessionId } : {}, timestamp: pino.stdTimeFunctions.isoTime,
      // A file name that is not UTF-8 would reach the log file and stderr as U+FFFD: shown as \xNN.
      hooks: { streamWrite: displayNamesInJsonLine },
    },
    pino.multistream(streams),
  );
  return {
    logger,
    logFile,
    flush(): void {
      try { fileDest?.flushSync?.(); } catch { /* not open, or closed after a failed write: nothing to flush */ }
    },
  };
}

/**
 * The human lines on stderr. pino-pretty (30 modules) is loaded with the first line at this
 * level, so a run that logs nothing on stderr (a quiet cron run) never pays for it; the lines
 * are the same whenever it loads, and it writes synchronously, so their order is kept.
 */
function lazyPrettyStream(stderr: NodeJS.WriteStream): pino.DestinationStream {
  let human: NodeJS.WritableStream | undefined;
  return {
    write(chunk: string): void {
      if (!human) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require('pino-pretty') as { default?: PrettyFactory } & PrettyFactory;
        human = (mod.default ?? mod)({
          destination: stderr,
          colorize: Boolean(stderr.isTTY),
          sync: true,
          ignore: 'pid,hostname,sessionId',
          translateTime: 'SYS:HH:MM:ss',
          singleLine: true,
          // An error as one line, its message and code: its stack (and those of its causes) stays
          // in the JSON log file; users get no traces (a full state disk printed a 10-line one).
          customPrettifiers: { err: briefError },
        });
      }
      human.write(chunk);
    },
  };
}

/**
 * The log file as a stream that can fail without taking the run down: a disk that fills up
 * mid-run makes sonic-boom emit 'error' (uncaught: a crash) and throw on every later write. The
 * run's state database and events still record everything, so one warning on stderr is enough.
 */
function guardedFileStream(dest: ReturnType<typeof pino.destination>, file: string, stderr: NodeJS.WriteStream): pino.DestinationStream {
  let broken = false;
  const fail = (err: unknown): void => {
    if (broken) return;
    broken = true;
    stderr.write(`robocurse: cannot write the log file ${file} any more (${(err as NodeJS.ErrnoException)?.code ?? String(err)}); the run goes on, the rest of this log is lost\n`);
    // Closed now, the failed line dropped, so no flush ever retries it (see createLogger).
    try { dest.destroy(); } catch { /* already closed */ }
  };
  dest.on('error', fail);
  return {
    write(chunk: string): void {
      if (broken) return;
      try { dest.write(chunk); } catch (err) { fail(err); }
    },
  };
}
