import type { PluginChecker } from '../config/load-config';
import { loadPlugins } from './loader';
import { silentLogger } from '../logging/silent-logger';

/**
 * Checks `global.plugins` for config validation: every plugin module is found, its exports and
 * API range fit and its options are valid; reports the engine and snapshot provider names the
 * plugins add, so profiles may use them.
 */
export const pluginChecker: PluginChecker = async (refs, location) => {
  const { plugins, problems } = await loadPlugins(refs, { ...location, logger: silentLogger(), signal: new AbortController().signal });
  return {
    problems,
    names: {
      copiers: plugins.filter((p) => p.declaration.kind === 'copier').map((p) => p.declaration.name),
      snapshotProviders: plugins.filter((p) => p.declaration.kind === 'snapshot').map((p) => p.declaration.name),
    },
  };
};
