import type { StateStore } from '../state';
import type { CommandSink } from './command-sink';
import type { LiveStatus } from './live-status';
import { TableFeed, type RunFeed } from './run-feed';
import {
  envelopes, profileViews, sessionOrigin, sessionSummary, sessionView, storedLiveStatus, type RunSnapshot,
} from './run-views';

/** Events a snapshot carries for the event feed. */
const SNAPSHOT_EVENTS = 100;

/** The run this process runs itself (run --dashboard): its live status and events come from memory. */
export interface OwnRun {
  sessionId: string;
  live(): LiveStatus;
  feed: RunFeed;
}

/**
 * Everything the dashboard reads and where it comes from: the state database for every session
 * (the one way to follow a run this process did not start), the own run's memory where there is
 * one. Read-only: commands go through `commands`, absent in read-only mode.
 */
export class DashboardData {
  private readonly feeds = new Map<string, RunFeed>();

  constructor(readonly store: StateStore, readonly commands: CommandSink | undefined, private readonly own?: OwnRun) {}

  get readOnly(): boolean { return this.commands === undefined; }

  /** The session a tab opens on: the own run, else the newest running one, else the newest. */
  defaultSessionId(): string | undefined {
    if (this.own) return this.own.sessionId;
    const recent = this.store.history(20);
    return (recent.find((h) => h.state === 'running') ?? recent[0])?.run.sessionId;
  }

  feed(sessionId: string): RunFeed {
    if (this.own?.sessionId === sessionId) return this.own.feed;
    let f = this.feeds.get(sessionId);
    if (!f) { f = new TableFeed(this.store, sessionId); this.feeds.set(sessionId, f); }
    return f;
  }

  live(sessionId: string): LiveStatus | undefined {
    if (this.own?.sessionId === sessionId) return this.own.live();
    const run = this.store.getRun(sessionId);
    return run && storedLiveStatus(this.store, run);
  }

  /** Whether the session is still running (its process alive), so commands can reach it. */
  isRunning(sessionId: string): boolean {
    if (this.own?.sessionId === sessionId) return this.store.getRun(sessionId)?.endedAt == null;
    const run = this.store.getRun(sessionId);
    return run !== undefined && sessionView(run).state === 'running';
  }

  snapshot(sessionId: string): RunSnapshot | undefined {
    const run = this.store.getRun(sessionId);
    if (!run) return undefined;
    const feed = this.feed(sessionId);
    // The seq first: whatever is read after it is at least as new, and the stream resumes after it.
    const seq = feed.lastSeq();
    const origin = sessionOrigin(this.store, sessionId);
    return {
      seq,
      session: sessionView(run),
      profiles: profileViews(this.store, sessionId),
      live: this.live(sessionId),
      summary: sessionSummary(this.store, sessionId),
      recent: envelopes(feed.recent(SNAPSHOT_EVENTS).filter((e) => e.seq <= seq), origin),
    };
  }
}
