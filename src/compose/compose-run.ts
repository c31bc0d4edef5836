import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { TOKENS, type Chunker, type Logger } from '../api';
import type { ProfileConfig, RobocurseConfig } from '../config/types';
import { DEFAULT_QUEUE_OUTAGE_SECONDS } from '../config/defaults';
import { createContainer } from '../di/container';
import { sharesFsThreads } from '../di/fs-threads';
import type { CopierFactory, CopierRegistry } from '../engines/copier-registry';
import { UsageError } from '../errors/usage-error';
import { RunEta } from '../eta';
import { EventBus } from '../orchestrator/event-bus';
import { InProcessDispatcher, type ChunkDispatcher } from '../orchestrator/chunk-dispatcher';
import { Orchestrator } from '../orchestrator/orchestrator';
import { StateJournal } from '../orchestrator/state-journal';
import { packageRoot } from '../paths';
import { FileChildLedger, ledgerDir } from '../process/file-child-ledger';
import { reapLeftovers } from '../process/reap-leftovers';
import { remoteCopierView } from '../scaleout/remote-copier-view';
import type { WorkerScanner } from '../scan';
import { PrefetchScanner } from '../scan/prefetch-scanner';
import { earlyScanMayBeStale, startEarlyScan } from './early-scan';
import { SnapshotLifecycle } from '../snapshot';
import { VerifyHook, VerifyPool } from '../verify';
import type { WorkerPools } from '../workers';
import { openRunServices, type RunServices } from './run-services';

/** What a front end may replace or add when it asks for a run. */
export interface RunOverrides {
  /** Epoch ms, for the orchestrator and the event time stamps. */
  now?: () => number;
  /** Copy engines besides the built-ins and the plugins', by name (a factory, called once). */
  copiers?: Record<string, CopierFactory>;
  /** Registers replacements for any token (TOKENS) before the run is built from them. */
  container?: (c: DependencyContainer) => void;
}

export interface ComposeRunOptions {
  sessionId: string;
  logger: Logger;
  dryRun: boolean;
  overrides?: RunOverrides;
  /** Called once the plugins are loaded, before anything is reaped or copied (the CLI drops secret env vars here). */
  afterPlugins?: () => void;
  /**
   * Start the first profile's scan now, while the rest is composed (PrefetchScanner): the CLI's
   * `run` and the library's `Robocurse.run` ask for it; a test that drives the orchestrator's scans
   * itself does not.
   */
  earlyScan?: boolean;
}

/** A run ready to start, and everything it holds open. */
export interface ComposedRun {
  readonly container: DependencyContainer;
  readonly sessionId: string;
  readonly services: RunServices;
  readonly registry: CopierRegistry;
  readonly bus: EventBus;
  readonly journal: StateJournal;
  readonly snapshots: SnapshotLifecycle;
  readonly orchestrator: Orchestrator;
  /** robocurse's own version (SessionStart, the dashboard, metrics). */
  readonly version: string;
  /** Stops the scanner, engines and verify workers, flushes the notifiers, releases the locks; idempotent. */
  close(): Promise<void>;
}

/** robocurse's version from its own package.json, wherever it is installed. */
export function robocurseVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The part registered under `token` (an override), or the default made now and registered. */
function provide<T>(c: DependencyContainer, token: InjectionToken<T>, make: () => T): T {
  if (c.isRegistered(token)) return c.resolve<T>(token);
  const value = make();
  c.registerInstance(token, value);
  return value;
}

/**
 * global.queue (or run --queue): chunks run on `robocurse worker` hosts through Redis and this run
 * is the pool's coordinator. Loaded only then, so runs without a queue never load BullMQ.
 */
async function openQueueDispatcher(c: DependencyContainer, url: string, outageSeconds: number, sessionId: string, logger: Logger): Promise<ChunkDispatcher> {
  const { parseQueueUrl, probeRedis } = await import('../scaleout/redis-url');
  const { QueueDispatcher } = await import('../scaleout/queue-dispatcher');
  const address = parseQueueUrl(url, 'global.queue (--queue)');
  const warning = await probeRedis(address);
  if (warning) logger.warn(warning);
  const d = await QueueDispatcher.open({ address, sessionId, logger, outageLimitMs: outageSeconds * 1000 });
  c.registerInstance(TOKENS.ChunkDispatcher, d);
  return d;
}

/** A dry run needs engines that can do one; a mirror needs engines that can mirror. */
function checkEngines(profiles: ProfileConfig[], registry: CopierRegistry, dryRun: boolean): void {
  for (const p of profiles) {
    const copier = registry.get(p.engine);
    if (dryRun && !copier.capabilities.dryRun) throw new UsageError(`--dry-run: engine '${p.engine}' of profile '${p.name}' cannot do dry runs`);
    if (p.mirror && !copier.capabilities.mirror) throw new UsageError(`profiles.${p.name}.mirror: engine '${p.engine}' cannot mirror`);
  }
}

/**
 * The one composition root: builds a whole run of `profiles` from a validated config. Opens the
 * state database, takes the profile locks, loads the plugins, reaps what a killed run left, and
 * wires event bus → journal and notifiers, snapshots, engines, scanner, chunker, verification and
 * ETA into an orchestrator. Every part is registered in the container by token; an override
 * registered under a token is used instead. Throws ProfileLockedError, StateError, ConfigError
 * or UsageError with everything opened so far closed again.
 */
export async function composeRun(cfg: RobocurseConfig, profiles: ProfileConfig[], opts: ComposeRunOptions): Promise<ComposedRun> {
  const { sessionId, logger, dryRun } = opts;
  const c = createContainer((ct) => {
    ct.registerInstance(TOKENS.Config, cfg);
    ct.registerInstance(TOKENS.SessionId, sessionId);
    ct.registerInstance(TOKENS.Logger, logger);
    if (opts.overrides?.now) ct.registerInstance(TOKENS.Clock, opts.overrides.now);
    opts.overrides?.container?.(ct);
  }, { shareFsThreads: sharesFsThreads(profiles, cfg.global.queue) });
  const now = provide<() => number>(c, TOKENS.Clock, () => Date.now);
  const registry = c.resolve<CopierRegistry>(TOKENS.CopierRegistry);
  for (const [name, factory] of Object.entries(opts.overrides?.copiers ?? {})) registry.register(name, factory);
  const scanner = new PrefetchScanner(c.resolve<WorkerScanner>(TOKENS.Scanner),
    (root, aheadMs) => logger.debug({ root, aheadMs }, `scan: started ${aheadMs} ms before it was asked for (while the run was composed)`));
  const earlyAt = opts.earlyScan ? startEarlyScan(scanner, profiles[0], registry) : undefined;
  const pools = c.resolve<WorkerPools>(TOKENS.WorkerPools);
  let services: RunServices | undefined;
  let verifyPool: VerifyPool | undefined;
  let dispatcher: ChunkDispatcher | undefined;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    // The pools go last: the scanner, engines and verifier have stopped using them by then.
    closed ??= Promise.allSettled([scanner.close(), registry.closeAll(), services?.close(), verifyPool?.close(), dispatcher?.close?.()])
      .then(() => pools.closeAll()).then(() => undefined, () => undefined);
    return closed;
  };
  try {
    services = await openRunServices(cfg, profiles, sessionId, registry, logger);
    // The locks are held now: a scan that may have read what another run was writing is made again.
    if (earlyAt !== undefined && earlyScanMayBeStale(services.store, profiles[0].name, earlyAt)) {
      scanner.cancel();
      logger.debug({ profile: profiles[0].name }, 'scan: the one started early is made again (a run of this profile ended or was killed while it read)');
    }
    // After the plugins are loaded: a copier plugin's engine is known only then.
    checkEngines(profiles, registry, dryRun);
    opts.afterPlugins?.();
    const { store, hub, snapshotProviders } = services;
    c.registerInstance(TOKENS.StateStore, store);
    c.registerInstance(TOKENS.Notifiers, hub);
    c.registerInstance(TOKENS.SnapshotRegistry, snapshotProviders);
    // Copy processes and scratch directories a killed run left behind go before this run copies a byte.
    const children = ledgerDir(cfg.global.stateDir);
    if (!dryRun) await reapLeftovers(children, logger);
    const childLedger = new FileChildLedger(children, sessionId, logger);
    const bus = provide(c, TOKENS.EventBus, () => new EventBus(sessionId, () => new Date(now()), (err, ev) => logger.error({ err, event: ev.type }, 'event listener failed')));
    const journal = provide(c, TOKENS.StateJournal, () => new StateJournal(store, cfg, logger));
    bus.subscribe((ev) => {
      journal.recordEvent(ev);
      hub.publish(ev);
      logger.debug({ event: ev.type, seq: ev.seq, data: ev.data }, `event ${ev.type}`);
    });
    const snapshots = provide(c, TOKENS.SnapshotLifecycle, () => new SnapshotLifecycle({ providers: snapshotProviders, store, emit: bus.emit.bind(bus), sessionId, logger, dryRun }));
    verifyPool = profiles.some((p) => (p.verify ?? 'off') !== 'off') && !dryRun ? new VerifyPool(undefined, undefined, pools) : undefined;
    const version = robocurseVersion();
    const pool = verifyPool;
    const copierFor = (name: string) => registry.get(name);
    dispatcher = c.isRegistered(TOKENS.ChunkDispatcher) || !cfg.global.queue
      ? provide<ChunkDispatcher>(c, TOKENS.ChunkDispatcher, () => new InProcessDispatcher(copierFor))
      : await openQueueDispatcher(c, cfg.global.queue, cfg.global.queueOutageSeconds ?? DEFAULT_QUEUE_OUTAGE_SECONDS, sessionId, logger);
    const remote = cfg.global.queue && !(dispatcher instanceof InProcessDispatcher);
    const orchestrator = provide(c, TOKENS.Orchestrator, () => new Orchestrator({
      bus, scanner, chunker: c.resolve<Chunker>(TOKENS.Chunker), copierFor: remote ? (n: string) => remoteCopierView(copierFor(n)) : copierFor, dispatcher,
      snapshots, journal, logger, now, logDir: cfg.global.logDir, globalBandwidthMbps: cfg.global.bandwidthLimitMbps, childLedger,
      pauseTimeout: { ms: cfg.global.pauseTimeoutSeconds * 1000, action: cfg.global.pauseTimeoutAction },
      version,
      verifier: pool ? new VerifyHook({ bus, logger, workers: pool, dryRun }) : undefined,
      eta: new RunEta((profile, engine) => journal.chunkHistory(profile, engine)),
    }));
    return { container: c, sessionId, services, registry, bus, journal, snapshots, orchestrator, version, close };
  } catch (err) {
    await close();
    throw err;
  }
}
