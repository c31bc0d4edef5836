import type { ConfigProblem } from '../config/problems';
import type { PluginRef } from '../config/types';
import { builtInPluginNames } from './built-ins';
import { discoverModule } from './loader';
import type { PluginLocation } from './plugin-trust';
import type { PluginSource } from './types';

/** One line of `robocurse plugins`. */
export interface PluginListing {
  name: string;
  kind: string;
  version: string;
  source: PluginSource;
  /** Semver range of the plugin API the plugin supports. */
  apiVersion: string;
  resolvedFrom: string;
  /** True when the config names it (built-ins are listed either way). */
  configured: boolean;
}

/**
 * Everything `robocurse plugins` shows: every built-in plus every plugin the config names, with
 * the problems of those that fail to load. Options are not validated here (listing must work
 * with a half-written config); `robocurse validate` does that.
 */
export function listPlugins(refs: PluginRef[], location: string | PluginLocation): { plugins: PluginListing[]; problems: ConfigProblem[] } {
  const configured = new Set(refs.map((r) => r.use));
  const builtInRefs: PluginRef[] = builtInPluginNames()
    .filter((name) => !configured.has(name))
    .map((name) => ({ use: name, options: {}, jsonPath: `built-in plugin '${name}'` }));
  const plugins: PluginListing[] = [];
  const problems: ConfigProblem[] = [];
  for (const ref of [...refs, ...builtInRefs]) {
    const found = discoverModule(ref, location);
    problems.push(...found.problems);
    for (const d of found.module?.declarations ?? []) {
      plugins.push({
        name: d.name, kind: d.kind, version: d.version, source: found.module!.source, apiVersion: d.apiVersion,
        resolvedFrom: found.module!.resolvedFrom, configured: configured.has(ref.use),
      });
    }
  }
  plugins.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  return { plugins, problems };
}
