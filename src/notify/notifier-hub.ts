import { handlerName, type Logger, type Notifier, type RunEvent } from '../api';
import { deepFreeze } from './deep-freeze';
import { callWithTimeLimit } from './time-limit';

/** Delivery counters of one notifier, for the end-of-run summary. */
export interface NotifierStats {
  name: string;
  /** Events every handler of the notifier took without error. */
  delivered: number;
  /** Handler calls that threw or rejected. */
  failed: number;
  /** Handler calls still running at the time limit. */
  timedOut: number;
  /** Events never handed to the notifier (queue full, or it was stuck in a timed-out call). */
  dropped: number;
  /** flush() threw, rejected or timed out. */
  flushFailed: boolean;
}

export interface NotifierHubOptions {
  /** Limit per handler call and per flush() call. */
  timeoutMs: number;
  logger: Logger;
  /** Events waiting per notifier before new ones are dropped for it (default 10000). */
  maxQueue?: number;
}

/** Failures logged one by one per notifier; beyond that they are only counted (no log floods). */
const MAX_LOGGED_FAILURES = 20;

interface Lane {
  notifier: Notifier;
  tail: Promise<void>;
  queued: number;
  /** Set while a timed-out call is still running: no new calls until it settles. */
  stuck: boolean;
  stats: NotifierStats;
}

/**
 * Fans run events out to notifiers. Each notifier has its own lane (a promise chain), so events
 * reach it in publish order while a slow notifier never delays another or the run. Each call
 * is time-limited; a notifier that throws is logged and counted; one that hangs is skipped (its
 * events dropped and counted) until the hung call settles, so a stuck notifier cannot grow an
 * unbounded backlog or make flush() wait for timeoutMs per queued event.
 */
export class NotifierHub {
  private readonly lanes: Lane[];
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly maxQueue: number;

  constructor(notifiers: Notifier[], opts: NotifierHubOptions) {
    this.timeoutMs = opts.timeoutMs;
    this.logger = opts.logger;
    this.maxQueue = opts.maxQueue ?? 10_000;
    this.lanes = notifiers.map((notifier) => ({
      notifier, tail: Promise.resolve(), queued: 0, stuck: false,
      stats: { name: notifier.name, delivered: 0, failed: 0, timedOut: 0, dropped: 0, flushFailed: false },
    }));
  }

  /**
   * Queues `event` for every notifier and returns at once. The event is copied and deep-frozen
   * first: the publisher may reuse its objects, and no notifier can change what another sees.
   */
  publish(event: RunEvent): void {
    if (this.lanes.length === 0) return;
    let frozen: RunEvent;
    try {
      frozen = deepFreeze(structuredClone(event));
    } catch (err) {
      // publish must never throw into the run; an event that cannot be copied is a bug upstream.
      this.logger.error({ event: event.type, seq: event.seq, err: errorInfo(err) }, 'run event cannot be copied for notifiers; not delivered');
      for (const lane of this.lanes) lane.stats.dropped++;
      return;
    }
    for (const lane of this.lanes) {
      if (lane.queued >= this.maxQueue) {
        lane.stats.dropped++;
        continue;
      }
      lane.queued++;
      lane.tail = lane.tail.then(() => this.deliver(lane, frozen)).finally(() => { lane.queued--; });
    }
  }

  /**
   * Waits for every queued delivery, then calls each notifier's flush() (time-limited,
   * concurrently). Never rejects. Safe to call more than once; events published after it are
   * delivered as usual.
   */
  async flush(): Promise<void> {
    await Promise.all(this.lanes.map(async (lane) => {
      await lane.tail;
      const outcome = await callWithTimeLimit(() => lane.notifier.flush(), this.timeoutMs);
      if (outcome.status === 'ok') return;
      lane.stats.flushFailed = true;
      if (outcome.status === 'timeout') {
        this.logger.warn({ notifier: lane.notifier.name, timeoutMs: this.timeoutMs }, 'notifier flush timed out; buffered events may be lost');
      } else {
        this.logger.error({ notifier: lane.notifier.name, err: errorInfo(outcome.error) }, 'notifier flush failed');
      }
    }));
  }

  /** Counters per notifier, in the order the notifiers were given. */
  stats(): NotifierStats[] {
    return this.lanes.map((l) => ({ ...l.stats }));
  }

  private async deliver(lane: Lane, event: RunEvent): Promise<void> {
    const { notifier } = lane;
    const typed = (notifier as Record<string, unknown>)[handlerName(event.type)];
    const calls: (() => unknown)[] = [];
    if (typeof typed === 'function') calls.push(() => (typed as (e: RunEvent) => unknown).call(notifier, event));
    if (typeof notifier.onEvent === 'function') calls.push(() => notifier.onEvent!(event));
    let ok = calls.length > 0;
    for (const call of calls) {
      if (lane.stuck) {
        lane.stats.dropped++;
        return;
      }
      const outcome = await callWithTimeLimit(call, this.timeoutMs);
      if (outcome.status === 'failed') {
        ok = false;
        lane.stats.failed++;
        if (lane.stats.failed <= MAX_LOGGED_FAILURES) {
          this.logger.error({ notifier: notifier.name, event: event.type, seq: event.seq, err: errorInfo(outcome.error) }, 'notifier failed to handle an event');
          if (lane.stats.failed === MAX_LOGGED_FAILURES) {
            this.logger.warn({ notifier: notifier.name }, `notifier failed ${MAX_LOGGED_FAILURES} times; further failures are counted, not logged`);
          }
        }
      } else if (outcome.status === 'timeout') {
        lane.stats.timedOut++;
        lane.stuck = true;
        this.logger.warn({ notifier: notifier.name, event: event.type, seq: event.seq, timeoutMs: this.timeoutMs },
          'notifier did not handle an event in time; skipping its events until that call ends');
        void outcome.pending.then(() => {
          lane.stuck = false;
          this.logger.info({ notifier: notifier.name }, 'notifier responsive again');
        });
        return;
      }
    }
    if (ok) lane.stats.delivered++;
  }
}

function errorInfo(err: unknown): { message: string; name?: string } {
  return err instanceof Error ? { name: err.name, message: err.message } : { message: String(err) };
}
