import * as path from 'node:path';
import pino from 'pino';
import { displayNamesInJsonLine } from '../fs/display-names';
import { ensurePrivateDir, openPrivateAppend } from '../fs/private-files';

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
 * stderr at the chosen level. Every line carries the session id. pino-pretty is loaded only here,
 * so commands that log nothing keep start-up lean.
 */
export function createLogger(opts: CreateLoggerOptions): LoggerSetup {
  const streams: pino.StreamEntry[] = [];
  let logFile: string | undefined;
  let fileDest: pino.DestinationStream & { flushSync?: () => void } | undefined;
  if (opts.logDir && opts.sessionId) {
    // Session logs name every path and error of a run: private (0700 directory, 0600 file), and
    // a log directory others could write (plant links, swap files) is refused. Throws
    // UnsafePathError for that.
    ensurePrivateDir(opts.logDir, 'the log directory');
    logFile = path.join(opts.logDir, `robocurse-${opts.sessionId}.log`);
    fileDest = pino.destination({ fd: openPrivateAppend(logFile), sync: false });
    streams.push({ level: 'debug', stream: fileDest });
  }
  if (opts.level !== 'silent') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('pino-pretty') as { default?: PrettyFactory } & PrettyFactory;
    const pretty: PrettyFactory = mod.default ?? mod;
    const human = pretty({
      destination: opts.stderr,
      colorize: Boolean(opts.stderr.isTTY),
      sync: true,
      ignore: 'pid,hostname,sessionId',
      translateTime: 'SYS:HH:MM:ss',
      singleLine: true,
    });
    streams.push({ level: opts.level, stream: human });
  }
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
      try { fileDest?.flushSync?.(); } catch { /* not yet open: nothing to flush */ }
    },
  };
}
