import type { Logger, PluginDeclaration } from '../api';
import type { ConfigProblem } from '../config/problems';
import type { PluginRef } from '../config/types';
import { asDeclaration, checkDeclaration, declarationsOf } from './check-declaration';
import { OptionsValidator, optionsProblems } from './options-problems';
import type { PluginLocation } from './plugin-trust';
import { resolvePlugin } from './resolve-plugin';
import type { LoadedPlugin, PluginSource } from './types';

export type { LoadedPlugin, PluginSource } from './types';
export type { PluginLocation } from './plugin-trust';
export { builtInPluginNames } from './built-ins';

export interface LoadPluginsOptions extends PluginLocation {
  logger: Logger;
  signal: AbortSignal;
}

/** A module found and shape-checked, before its options are looked at. */
export interface DiscoveredModule {
  ref: PluginRef;
  source: PluginSource;
  resolvedFrom: string;
  declarations: PluginDeclaration[];
}

/**
 * Finds and requires the module a ref names and checks its declarations (shape, API range).
 * Problems go to `${ref.jsonPath}.use`: the fix is to name another plugin or version.
 */
export function discoverModule(ref: PluginRef, location: string | PluginLocation): { module?: DiscoveredModule; problems: ConfigProblem[] } {
  const at = `${ref.jsonPath}.use`;
  const where = resolvePlugin(ref.use, location);
  if (where.status === 'not-found') return { problems: [{ path: at, message: where.message }] };
  let mod: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(where.file);
  } catch (err) {
    return { problems: [{ path: at, message: `cannot load plugin '${ref.use}' from ${where.file}: ${(err as Error).message}` }] };
  }
  const { list, problem } = declarationsOf(mod);
  if (!list) return { problems: [{ path: at, message: `plugin '${ref.use}' (${where.file}): ${problem}` }] };
  const problems = list.flatMap((entry, i) => checkDeclaration(entry, i))
    .map((message) => ({ path: at, message: `plugin module '${ref.use}' (${where.file}): ${message}` }));
  if (problems.length > 0) return { problems };
  return { module: { ref, source: where.source, resolvedFrom: where.file, declarations: list.map(asDeclaration) }, problems: [] };
}

/**
 * Loads the plugins a config names. Never throws for a bad plugin: every problem found (unknown
 * name, bad export shape, API range that excludes API_VERSION, invalid options) is returned as a
 * ConfigProblem so the user sees them all at once, like core config errors. A module may declare
 * several plugins; the ref's options are validated against each one's schema.
 */
export async function loadPlugins(refs: PluginRef[], opts: LoadPluginsOptions): Promise<{ plugins: LoadedPlugin[]; problems: ConfigProblem[] }> {
  const validator = new OptionsValidator();
  const plugins: LoadedPlugin[] = [];
  const problems: ConfigProblem[] = [];
  const names = new Map<string, string>();
  for (const ref of refs) {
    if (opts.signal.aborted) break;
    const found = discoverModule(ref, { configDir: opts.configDir, configFile: opts.configFile, pluginPaths: opts.pluginPaths });
    problems.push(...found.problems);
    if (!found.module) continue;
    for (const declaration of found.module.declarations) {
      const key = `${declaration.kind}:${declaration.name}`;
      const earlier = names.get(key);
      if (earlier !== undefined) {
        problems.push({ path: `${ref.jsonPath}.use`, message: `${declaration.kind} plugin '${declaration.name}' is already loaded by ${earlier}` });
        continue;
      }
      names.set(key, ref.jsonPath);
      const loaded = validateOptions(validator, declaration, ref, problems);
      if (loaded) plugins.push({ ...loaded, source: found.module.source, resolvedFrom: found.module.resolvedFrom });
    }
  }
  for (const p of plugins) {
    opts.logger.debug({ plugin: p.declaration.name, kind: p.declaration.kind, source: p.source, file: p.resolvedFrom }, 'plugin loaded');
  }
  return { plugins, problems };
}

function validateOptions(validator: OptionsValidator, declaration: PluginDeclaration, ref: PluginRef, problems: ConfigProblem[]):
  Pick<LoadedPlugin, 'declaration' | 'options' | 'jsonPath'> | undefined {
  let validate;
  try {
    validate = validator.compile(declaration.optionsSchema);
  } catch (err) {
    problems.push({ path: `${ref.jsonPath}.use`, message: `plugin '${declaration.name}' has an invalid optionsSchema (a bug in the plugin): ${(err as Error).message}` });
    return undefined;
  }
  // Validate a copy: defaults are filled in, and the caller's config must stay as written.
  const options = structuredClone(ref.options ?? {}) as Record<string, unknown>;
  if (!validate(options)) {
    problems.push(...optionsProblems(validate.errors, `${ref.jsonPath}.options`));
    return undefined;
  }
  return { declaration, options, jsonPath: ref.jsonPath };
}
