import type { RunEvent, RunEventType } from '../api';
import type { EventBus } from '../orchestrator/event-bus';
import type { Orchestrator } from '../orchestrator/orchestrator';
import type { OrchestrationStatus, RunSummary } from '../orchestrator/types';

/**
 * Every event of one run, in order, from before it started: an iterator that ends after
 * SessionEnd (or when the run fails). Each `events()` call replays from the first event.
 */
class EventLog {
  private readonly events: RunEvent[] = [];
  private ended = false;
  private readonly waiting = new Set<() => void>();

  push(ev: RunEvent): void { this.events.push(ev); this.wake(); }
  end(): void { this.ended = true; this.wake(); }

  private wake(): void { for (const w of [...this.waiting]) w(); this.waiting.clear(); }

  async *iterate(): AsyncGenerator<RunEvent, void, undefined> {
    let i = 0;
    for (;;) {
      if (i < this.events.length) { yield this.events[i++]; continue; }
      if (this.ended) return;
      await new Promise<void>((resolve) => this.waiting.add(resolve));
    }
  }
}

/**
 * A running replication, as the library hands it out: its events, its live status, the same
 * controls the CLI's signals and `robocurse control` give, and `done`, the summary. `done` never
 * rejects for copy failures (they are in the summary's outcome); only for an error that stopped
 * the run itself.
 */
export class RunSession implements AsyncIterable<RunEvent> {
  readonly sessionId: string;
  readonly done: Promise<RunSummary>;
  private readonly log = new EventLog();

  /** @internal Built by Robocurse.run(); `start` begins the run once the log listens. */
  constructor(private readonly orch: Orchestrator, private readonly bus: EventBus, start: () => Promise<RunSummary>) {
    this.sessionId = bus.sessionId;
    bus.subscribe((ev) => this.log.push(ev));
    this.done = start().finally(() => this.log.end());
  }

  /** Every event of the run, from its first, until it ended. */
  events(): AsyncIterable<RunEvent> { return { [Symbol.asyncIterator]: () => this.log.iterate() }; }

  [Symbol.asyncIterator](): AsyncIterator<RunEvent> { return this.log.iterate(); }

  /** Calls `listener` for each event from now on (of one type, when given); returns an unsubscribe function. */
  on(listener: (event: RunEvent) => void): () => void;
  on<K extends RunEventType>(type: K, listener: (event: RunEvent<K>) => void): () => void;
  on(a: RunEventType | ((event: RunEvent) => void), b?: (event: RunEvent) => void): () => void {
    if (typeof a === 'function') return this.bus.subscribe(a);
    return this.bus.subscribe((ev) => { if (ev.type === a) b?.(ev); });
  }

  status(): OrchestrationStatus { return this.orch.getStatus(); }
  /** No new chunk starts until resume(); running jobs go on. */
  pause(): void { this.orch.requestPause(); }
  /** Like pause(), and running jobs are frozen where their engine can (capabilities.suspend). */
  suspend(): void { this.orch.requestPause({ suspend: true }); }
  resume(): void { this.orch.requestResume(); }
  /** Running jobs finish; nothing new starts; the run then ends as Stopped. */
  drain(): void { this.orch.requestDrain('api'); }
  /** Kills the running jobs and ends the run as Stopped. */
  stop(): void { this.orch.requestStop('api'); }
  /** Total bandwidth for the run in Mbit/s; 0 = unlimited. */
  setBandwidth(mbps: number): void { this.orch.setBandwidthMbps(mbps, 'api'); }
  setConcurrency(maxJobs: number): void { this.orch.setMaxConcurrentJobs(maxJobs, 'api'); }
}
