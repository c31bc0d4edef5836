import type { Copier, Logger, Notifier, SnapshotProvider } from '../api';
import { ConfigError, type ConfigProblem } from '../config/problems';
import type { LoadedPlugin } from './types';

const FLUSH_ON_FAILURE_MS = 5000;

export interface InstantiateContext {
  logger: Logger;
  signal: AbortSignal;
  configDir: string;
}

/** What the loaded plugins built, by kind. Keys of the maps are plugin names. */
export interface PluginInstances {
  notifiers: Notifier[];
  snapshotProviders: Map<string, SnapshotProvider>;
  copiers: Map<string, Copier>;
}

/**
 * Calls every loaded plugin's factory with its validated options, a child logger and the run's
 * abort signal. Factories run one after another (in config order) so their log lines and side
 * effects are predictable. When any factory throws or rejects, throws a ConfigError listing
 * every failure at `<jsonPath>.options` (a factory fails for things like a missing secret), after
 * flushing the notifiers already built so they release their sockets.
 */
export async function instantiatePlugins(loaded: LoadedPlugin[], ctx: InstantiateContext): Promise<PluginInstances> {
  const out: PluginInstances = { notifiers: [], snapshotProviders: new Map(), copiers: new Map() };
  const problems: ConfigProblem[] = [];
  for (const p of loaded) {
    const { declaration } = p;
    const logger = ctx.logger.child({ plugin: declaration.name });
    try {
      const instance = await declaration.create({ options: p.options, logger, signal: ctx.signal, configDir: ctx.configDir });
      if (typeof instance !== 'object' || instance === null) throw new Error('create() returned no object');
      if (declaration.kind === 'notifier') {
        const n = instance as Notifier;
        if (typeof n.flush !== 'function') throw new Error('the notifier has no flush() method');
        out.notifiers.push(n);
      } else if (declaration.kind === 'snapshot') {
        out.snapshotProviders.set(declaration.name, instance as SnapshotProvider);
      } else {
        out.copiers.set(declaration.name, instance as Copier);
      }
    } catch (err) {
      problems.push({ path: `${p.jsonPath}.options`, message: `plugin '${declaration.name}' could not start: ${(err as Error).message}` });
    }
  }
  if (problems.length > 0) {
    // Bounded: a notifier that hangs in flush must not hang the start-up error too.
    await Promise.race([
      Promise.allSettled(out.notifiers.map((n) => n.flush())),
      new Promise((resolve) => setTimeout(resolve, FLUSH_ON_FAILURE_MS).unref()),
    ]);
    throw new ConfigError(problems);
  }
  return out;
}
