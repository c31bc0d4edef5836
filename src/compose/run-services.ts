import type { Copier, Logger, SnapshotProvider } from '../api';
import type { ProfileConfig, RobocurseConfig } from '../config/types';
import type { CopierRegistry } from '../engines/copier-registry';
import { NotifierHub } from '../notify/notifier-hub';
import { instantiatePlugins } from '../plugins/instantiate';
import { loadPlugins } from '../plugins/loader';
import { pluginLocationOf } from '../plugins/plugin-trust';
import { ConfigError } from '../config/problems';
import { StateStore, type ProfileLock } from '../state';

/**
 * How long one notifier call (or its flush) may take before the hub moves on: longer than the
 * email plugin's SMTP phase timeout (30 s), so a slow mail server still gets the report.
 */
const NOTIFIER_TIMEOUT_MS = 35_000;

/** What a run needs besides the orchestrator, opened in order and closed in reverse. */
export interface RunServices {
  store: StateStore;
  locks: ProfileLock[];
  hub: NotifierHub;
  snapshotProviders: Map<string, SnapshotProvider>;
  abort: AbortController;
  close(): Promise<void>;
}

/**
 * Opens the state database, takes every selected profile's lock (all or none), loads and starts
 * the plugins (notifiers, snapshot providers, extra engines). Throws ProfileLockedError, StateError
 * or ConfigError with everything opened so far closed again.
 */
export async function openRunServices(cfg: RobocurseConfig, profiles: ProfileConfig[], sessionId: string, registry: CopierRegistry, logger: Logger): Promise<RunServices> {
  const store = StateStore.open(cfg.global.stateDir);
  const locks: ProfileLock[] = [];
  const abort = new AbortController();
  try {
    for (const p of profiles) {
      const lock = store.acquireProfileLock(p.name, sessionId);
      if (lock.recoveredFrom) logger.warn({ ...lock.recoveredFrom, profile: p.name }, `recovered the lock of profile ${p.name} left by dead process ${lock.recoveredFrom.pid}`);
      locks.push(lock);
    }
    const { plugins, problems } = await loadPlugins(cfg.global.plugins, { ...pluginLocationOf(cfg), logger, signal: abort.signal });
    if (problems.length > 0) throw new ConfigError(problems, cfg.configPath);
    const instances = await instantiatePlugins(plugins, { logger, signal: abort.signal, configDir: cfg.configDir });
    for (const [name, copier] of instances.copiers) registry.register(name, (): Copier => copier);
    const hub = new NotifierHub(instances.notifiers, { timeoutMs: NOTIFIER_TIMEOUT_MS, logger });
    return {
      store, locks, hub, snapshotProviders: instances.snapshotProviders, abort,
      async close(): Promise<void> {
        abort.abort();
        await hub.flush();
        for (const st of hub.stats()) {
          if (st.failed || st.timedOut || st.dropped || st.flushFailed) {
            logger.warn({ notifier: st }, `notifier ${st.name}: ${st.delivered} delivered, ${st.failed} failed, ${st.timedOut} timed out, ${st.dropped} dropped${st.flushFailed ? ', flush failed' : ''}`);
          }
        }
        for (const l of locks) l.release();
        store.close();
      },
    };
  } catch (err) {
    for (const l of locks) l.release();
    store.close();
    throw err;
  }
}
