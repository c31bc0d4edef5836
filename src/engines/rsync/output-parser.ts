import { poolFor, type WorkerPool, type WorkerPools } from '../../workers';
import { rsyncParsePoolKind, type RsyncParseRequest, type RsyncReport } from './parse-protocol';
import { parseRsyncOutput } from './report';

/** Turns a finished job's output into a report. Injected into the copier so tests can swap it. */
export interface RsyncOutputParser {
  parse(req: RsyncParseRequest): Promise<RsyncReport>;
  /** Releases threads; idempotent. A closed parser still parses (inline). */
  close(): Promise<void>;
}

/** Parses on the calling thread; for small outputs, tools and tests. Never looks at the disk. */
export class InlineRsyncOutputParser implements RsyncOutputParser {
  parse(req: RsyncParseRequest): Promise<RsyncReport> {
    return Promise.resolve(parseRsyncOutput(req));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export interface PiscinaRsyncOutputParserOptions {
  /** Worker threads at most (default 1: parsing is short and copies are I/O-bound). */
  maxThreads?: number;
  /** Idle milliseconds before a thread exits (default 5000). */
  idleTimeout?: number;
  /** The run's pools (the composition root's); default a pool of this parser's own. */
  pools?: WorkerPools;
}

/**
 * Parses in a piscina worker thread. The pool is created on the first parse, so a copier that
 * never finishes a job costs no thread; idle threads exit after `idleTimeout` and never keep
 * the process alive. Should the worker fail (or the pool be closed mid-run), the output is
 * parsed inline instead: a job's `done` must resolve whatever happens here.
 */
export class PiscinaRsyncOutputParser implements RsyncOutputParser {
  private readonly pool: WorkerPool;
  private closed = false;

  constructor(opts: PiscinaRsyncOutputParserOptions = {}) {
    this.pool = poolFor(opts.pools, rsyncParsePoolKind(opts.maxThreads, opts.idleTimeout));
  }

  async parse(req: RsyncParseRequest): Promise<RsyncReport> {
    // Nothing on stderr (a clean job, the usual case): no failed file to look up, a stats block
    // of a dozen lines to read. Parsed here, it costs no thread (~60 ms of CPU to boot one).
    if (this.closed || req.stderr.trim() === '') return parseRsyncOutput(req);
    try {
      return await this.pool.run<RsyncReport>({ ...req, statFailedSources: true });
    } catch {
      return parseRsyncOutput(req);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.close();
  }
}
