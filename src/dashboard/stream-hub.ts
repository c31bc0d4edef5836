import type { ServerResponse } from 'node:http';
import type { RunEvent } from '../api';
import type { DashboardData } from './dashboard-data';
import { toEnvelope, type EventOrigin } from './envelope';
import { sessionOrigin } from './run-views';
import { frame, SseClient, type StreamClientStats, type StreamLimits } from './sse-client';

/** The streams of one session: one feed subscription and one progress timer, however many tabs. */
class SessionStreams {
  readonly clients = new Set<SseClient>();
  private unsubscribe?: () => void;
  private progressTimer?: NodeJS.Timeout;
  private origin?: EventOrigin;

  constructor(private readonly data: DashboardData, readonly sessionId: string, private readonly limits: StreamLimits) {}

  add(client: SseClient): void {
    this.clients.add(client);
    if (!this.unsubscribe) {
      this.unsubscribe = this.data.feed(this.sessionId).subscribe((e) => this.broadcast(e), client.lastSeq);
      this.progressTimer = setInterval(() => this.tick(), this.limits.progressMs);
      this.progressTimer.unref();
    }
  }

  remove(client: SseClient): void {
    this.clients.delete(client);
    if (this.clients.size === 0) this.stop();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.progressTimer) clearInterval(this.progressTimer);
    this.progressTimer = undefined;
  }

  eventFrame(e: RunEvent): string {
    // Host and user come from SessionStart, the first event; until it is stored, ask again.
    if (!this.origin?.host) this.origin = e.type === 'SessionStart' ? { host: e.data.host, user: e.data.user } : sessionOrigin(this.data.store, this.sessionId);
    return frame('run-event', toEnvelope(e, this.origin), e.seq);
  }

  progressFrame(): string | undefined {
    const live = this.data.live(this.sessionId);
    return live ? frame('progress', live) : undefined;
  }

  private broadcast(e: RunEvent): void {
    const text = this.eventFrame(e);
    for (const c of this.clients) c.event(e.seq, text);
  }

  /** One coalesced progress tick a second: what changed in between is in the newest sample. */
  private tick(): void {
    let text: string | undefined;
    try { text = this.progressFrame(); } catch { return; }
    if (text) for (const c of this.clients) c.progress(text);
  }
}

/**
 * All open streams. A tab connects with the session it shows and, when reconnecting, the
 * Last-Event-ID it saw: it gets exactly the events after it when they are still held and not too
 * many, else a fresh snapshot; then live events, a progress tick a second and heartbeats.
 */
export class StreamHub {
  private readonly sessions = new Map<string, SessionStreams>();
  private readonly heartbeat: NodeJS.Timeout;
  private nextId = 1;

  constructor(private readonly data: DashboardData, private readonly limits: StreamLimits) {
    this.heartbeat = setInterval(() => { for (const s of this.sessions.values()) for (const c of s.clients) c.heartbeat(); }, limits.heartbeatMs);
    this.heartbeat.unref();
  }

  attach(sessionId: string, res: ServerResponse, lastEventId: number | undefined): SseClient {
    let streams = this.sessions.get(sessionId);
    if (!streams) { streams = new SessionStreams(this.data, sessionId, this.limits); this.sessions.set(sessionId, streams); }
    const s = streams;
    const client = new SseClient(this.nextId++, res, this.limits, () => {
      const snap = this.data.snapshot(sessionId);
      return snap && { seq: snap.seq, text: frame('snapshot', snap, snap.seq) };
    });
    res.on('close', () => s.remove(client));
    // Synchronous from here to add(): no event can slip between the replay and the subscription.
    const feed = this.data.feed(sessionId);
    const behind = lastEventId === undefined ? Infinity : feed.lastSeq() - lastEventId;
    const replay = behind >= 0 && behind <= this.limits.maxReplay ? feed.since(lastEventId!, this.limits.maxReplay) : undefined;
    if (replay) {
      client.lastSeq = lastEventId!;
      for (const e of replay) client.event(e.seq, s.eventFrame(e));
    } else {
      client.sendSnapshot();
    }
    s.add(client);
    const progress = s.progressFrame();
    if (progress) client.progress(progress);
    return client;
  }

  /** Ends every stream (shutdown, or a test that cuts the connection); tabs reconnect by themselves. */
  disconnectAll(): void {
    for (const s of this.sessions.values()) for (const c of [...s.clients]) c.close();
  }

  stats(): StreamClientStats[] {
    return [...this.sessions.values()].flatMap((s) => [...s.clients].map((c) => c.stats()));
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.disconnectAll();
    for (const s of this.sessions.values()) s.stop();
    this.sessions.clear();
  }
}
