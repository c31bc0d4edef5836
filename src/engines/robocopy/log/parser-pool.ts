import { poolFor, type WorkerPool, type WorkerPools } from '../../../workers';
import { unparsedLog } from './parse-log';
import { robocopyParsePoolKind, type ParsedRobocopyLog, type ParseLogOptions, type ParseLogTask } from './types';

/** Something that turns a robocopy log file into counts (a worker pool, or inline in tests). */
export interface RobocopyLogParser {
  /** Never rejects: an unreadable log or a crashed worker gives `parsed: false` and a warning. */
  parse(logPath: string, options?: ParseLogOptions): Promise<ParsedRobocopyLog>;
  close(): Promise<void>;
}

export interface RobocopyLogParserPoolOptions {
  /** Worker threads (default 1: parsing is I/O-bound and the copies need the CPU more). */
  maxThreads?: number;
  /** A worker idle this long exits (default 30 s), so an idle robocurse holds no threads. */
  idleTimeoutMs?: number;
  /** The run's pools (the composition root's); default a pool of this parser's own. */
  pools?: WorkerPools;
}

/**
 * Parses robocopy logs on piscina worker threads, so a log of hundreds of MB never blocks the
 * orchestrator's event loop. The pool (src/workers) starts on first use; `close()` is idempotent and waits for
 * running parses.
 */
export class RobocopyLogParserPool implements RobocopyLogParser {
  private readonly pool: WorkerPool;
  private closed = false;

  constructor(options: RobocopyLogParserPoolOptions = {}) {
    this.pool = poolFor(options.pools, robocopyParsePoolKind(options.maxThreads, options.idleTimeoutMs));
  }

  async parse(logPath: string, options?: ParseLogOptions): Promise<ParsedRobocopyLog> {
    if (this.closed) return unparsedLog(`log parser pool is closed; not parsed: ${logPath}`);
    try {
      const task: ParseLogTask = { logPath, options };
      return await this.pool.run<ParsedRobocopyLog>(task, { name: 'parseLogTask' });
    } catch (err) {
      return unparsedLog(`log parser worker failed on ${logPath}: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.close();
  }
}
