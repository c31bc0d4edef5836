import type { PluginChecker } from '../config/load-config';

/**
 * Placeholder until the plugin loader lands: accepts no plugins, so every `global.plugins` entry
 * is reported as unknown rather than silently ignored.
 */
export const pluginChecker: PluginChecker = async (refs) => ({
  problems: refs.map((r) => ({ path: `${r.jsonPath}.use`, message: `unknown plugin '${r.use}'` })),
  names: { copiers: [], snapshotProviders: [] },
});
