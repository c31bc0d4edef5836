import type { Logger } from '../api';
import type { EventBus } from '../orchestrator/event-bus';
import type { Orchestrator } from '../orchestrator/orchestrator';
import type { StateStore } from '../state';
import { DirectCommandSink, TableCommandSink } from './command-sink';
import { DashboardData } from './dashboard-data';
import type { StatusPublisher } from './live-status';
import { BusFeed } from './run-feed';
import { createDashboardServer, type DashboardServer } from './server';

export interface RunDashboardOptions {
  store: StateStore;
  orch: Orchestrator;
  bus: EventBus;
  sessionId: string;
  publisher: StatusPublisher;
  port: number;
  version: string;
  logger: Logger;
  /** Fixed token (tests); a fresh random one otherwise. */
  token?: string;
  readOnly?: boolean;
}

/**
 * The dashboard of `robocurse run --dashboard`, on 127.0.0.1 only: the run's events straight
 * from its bus, its live status from memory, its commands applied directly (and other sessions
 * in the same state database through the commands table). Start it before the run, so the
 * stream holds every event from SessionStart on.
 */
export async function startRunDashboard(o: RunDashboardOptions): Promise<{ url: string; server: DashboardServer }> {
  const feed = new BusFeed((l) => o.bus.subscribe(l));
  const commands = o.readOnly ? undefined : new DirectCommandSink(o.sessionId, o.orch, new TableCommandSink(o.store));
  const data = new DashboardData(o.store, commands, { sessionId: o.sessionId, live: () => o.publisher.current(), feed });
  const server = createDashboardServer({ data, host: '127.0.0.1', port: o.port, version: o.version, logger: o.logger, token: o.token });
  const url = await server.listen();
  return { url, server };
}
