import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtInPluginDir, builtInPluginNames } from './built-ins';
import type { PluginSource } from './types';

/** Where `use` points, or why it points nowhere. */
export type PluginResolution =
  | { status: 'found'; source: PluginSource; file: string }
  | { status: 'not-found'; message: string };

function isPathLike(use: string): boolean {
  return use.startsWith('./') || use.startsWith('../') || use.startsWith('/') || path.isAbsolute(use)
    || use.startsWith('.\\') || use.startsWith('..\\');
}

function tryResolve(request: string, from: string): string | undefined {
  try {
    return require.resolve(request, { paths: [from] });
  } catch {
    return undefined;
  }
}

/**
 * Resolves a plugin reference: a built-in name (a folder under top-level plugins/), a path
 * (./, ../ or absolute; relative to the config file's folder), or an installed package name
 * (looked up from the config folder first, so a project can pin its own copy, then from
 * robocurse itself).
 */
export function resolvePlugin(use: string, configDir: string): PluginResolution {
  if (isPathLike(use)) {
    const target = path.resolve(configDir, use);
    const file = tryResolve(target, configDir);
    if (file) return { status: 'found', source: 'path', file };
    const why = fs.existsSync(target) ? 'it exists but is not a loadable module (no index.js or package.json main)' : 'no such file';
    return { status: 'not-found', message: `cannot load plugin '${use}': ${target}: ${why}` };
  }
  const builtIns = builtInPluginNames();
  if (builtIns.includes(use)) {
    return { status: 'found', source: 'built-in', file: require.resolve(path.join(builtInPluginDir(), use)) };
  }
  const file = tryResolve(use, configDir) ?? tryResolve(use, __dirname);
  if (file) return { status: 'found', source: 'package', file };
  return {
    status: 'not-found',
    message: `unknown plugin '${use}': not a built-in (${builtIns.join(', ') || 'none installed'}), `
      + `not a file relative to ${configDir}, not an installed package`,
  };
}
