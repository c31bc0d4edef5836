import * as fs from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';
import type { RunEvent } from '../../src/api';
import { createChunker } from '../../src/chunk';
import { startControlPoller } from '../../src/cli/control-poller';
import type { RobocurseConfig } from '../../src/config/types';
import { StatusPublisher } from '../../src/dashboard/live-status';
import { startRunDashboard } from '../../src/dashboard/run-dashboard';
import type { DashboardServer } from '../../src/dashboard/server';
import { SimulatedCopier } from '../../src/engines/simulated';
import { EventBus } from '../../src/orchestrator/event-bus';
import { Orchestrator } from '../../src/orchestrator/orchestrator';
import { StateJournal } from '../../src/orchestrator/state-journal';
import type { RunSummary } from '../../src/orchestrator/types';
import type { WorkerScanner } from '../../src/scan';
import { StateStore } from '../../src/state';
import { makeProfile } from './profiles';

const MB = 1_000_000;

/** A directory name that is markup, to prove the page never renders names as HTML. */
export const HOSTILE_NAME = '<img src=x onerror=window.pwned=1>';

/** Sparse files: real sizes for the scan and the chunk estimates, no disk written. */
function sparse(file: string, size: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '');
  fs.truncateSync(file, size);
}

export interface DashboardScenario {
  sessionId: string;
  store: StateStore;
  orch: Orchestrator;
  events: RunEvent[];
  server: DashboardServer;
  url: string;
  run: Promise<RunSummary>;
  stateDir: string;
  close(): Promise<void>;
}

/**
 * `run --dashboard` composed as run.ts composes it, with the simulated engine: 3 profiles, 40
 * chunks. alpha (14 chunks of 10-12 MB) runs under a 1 Mbit/s budget, so it copies slowly until
 * the bandwidth is raised: the test, not the clock, decides when it moves on. Its two largest
 * chunks (f1, f2) fail at once with exit 16; beta has one chunk ending with a warning (exit 4).
 */
export async function startDashboardScenario(dir: string, scanner: WorkerScanner): Promise<DashboardScenario> {
  const src = path.join(dir, 'src');
  for (const name of ['f1', 'f2']) sparse(path.join(src, 'alpha', name, 'data.bin'), 12 * MB);
  for (let i = 1; i <= 12; i++) sparse(path.join(src, 'alpha', `a${String(i).padStart(2, '0')}`, 'data.bin'), 10 * MB);
  for (let i = 1; i <= 13; i++) sparse(path.join(src, 'beta', i === 1 ? 'w1' : `b${String(i).padStart(2, '0')}`, 'data.bin'), (20 - i) * 100_000);
  for (let i = 1; i <= 12; i++) sparse(path.join(src, 'gamma', `g${String(i).padStart(2, '0')}`, 'data.bin'), (20 - i) * 100_000);
  // A hostile name: shown as text everywhere, never as markup.
  sparse(path.join(src, 'gamma', HOSTILE_NAME, 'data.bin'), 100_000);
  const configPath = path.join(dir, 'robocurse.json');
  fs.writeFileSync(configPath, '{"version":1,"profiles":{}}');
  const stateDir = path.join(dir, 'state');
  const logDir = path.join(dir, 'logs');
  const chunking = { mode: 'smart' as const, maxDepth: 8, maxChunkBytes: 1, maxChunkFiles: 1 };
  const profile = (name: string, script: Record<string, unknown>) => makeProfile(name, {
    source: path.join(src, name), destination: path.join(dir, 'dst', name), chunking, engineOptions: { simulated: { script, progressIntervalMs: 100 } },
  });
  const profiles = [
    profile('alpha', { '*': { durationMs: 1000 }, f1: { exitCodes: [16], durationMs: 0 }, f2: { exitCodes: [16], durationMs: 0 } }),
    profile('beta', { '*': { durationMs: 300 }, w1: { exitCodes: [4], durationMs: 300 } }),
    profile('gamma', { '*': { durationMs: 300 } }),
  ];
  const logger = pino({ level: 'silent' });
  const store = StateStore.open(stateDir);
  const sessionId = `20261129-150000-${String(process.pid % 1_000_000).padStart(6, '0')}`;
  const bus = new EventBus(sessionId);
  const events: RunEvent[] = [];
  const journal = new StateJournal(store, { configPath, global: {}, profiles } as unknown as RobocurseConfig, logger);
  bus.subscribe((e) => { events.push(e); journal.recordEvent(e); });
  const copier = new SimulatedCopier();
  const orch = new Orchestrator({
    bus, scanner, chunker: createChunker(), copierFor: () => copier, journal, logger, logDir, globalBandwidthMbps: 1, version: 'test',
  });
  const publisher = new StatusPublisher(orch, (st) => store.writeRunStatus(sessionId, JSON.stringify(st)), logger).start();
  const stopPolling = startControlPoller(store, orch, sessionId, profiles.map((p) => p.name), logger, 200);
  const { url, server } = await startRunDashboard({ store, orch, bus, sessionId, publisher, port: 0, version: 'test', logger });
  const run = orch.startReplicationRun(profiles, { maxConcurrentJobs: 4, tickIntervalMs: 100 });
  return {
    sessionId, store, orch, events, server, url, run, stateDir,
    async close() {
      if (!orch.state.stopRequested && orch.state.phase !== 'Complete' && orch.state.phase !== 'Failed') orch.requestStop('test over');
      await run.catch(() => undefined);
      stopPolling();
      publisher.stop();
      await server.close();
      store.close();
    },
  };
}
