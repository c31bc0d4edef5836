import * as path from 'node:path';
import { Piscina } from 'piscina';
import { unparsedLog } from './parse-log';
import type { ParsedRobocopyLog, ParseLogOptions, ParseLogTask } from './types';

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
}

/**
 * Parses robocopy logs on piscina worker threads, so a log of hundreds of MB never blocks the
 * orchestrator's event loop. The pool starts on first use; `close()` is idempotent and waits for
 * running parses.
 */
export class RobocopyLogParserPool implements RobocopyLogParser {
  private pool: Piscina | null = null;
  private closed = false;

  constructor(private readonly options: RobocopyLogParserPoolOptions = {}) {}

  async parse(logPath: string, options?: ParseLogOptions): Promise<ParsedRobocopyLog> {
    if (this.closed) return unparsedLog(`log parser pool is closed; not parsed: ${logPath}`);
    try {
      const task: ParseLogTask = { logPath, options };
      return (await this.getPool().run(task, { name: 'parseLogTask' })) as ParsedRobocopyLog;
    } catch (err) {
      return unparsedLog(`log parser worker failed on ${logPath}: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.destroy();
  }

  private getPool(): Piscina {
    this.pool ??= new Piscina({
      filename: path.join(__dirname, 'parser-worker.js'),
      minThreads: 0,
      maxThreads: this.options.maxThreads ?? 1,
      idleTimeout: this.options.idleTimeoutMs ?? 30_000,
    });
    return this.pool;
  }
}
