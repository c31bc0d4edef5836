import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatTrustProblem, treeTrustProblem } from '../fs/path-trust';
import { builtInPluginDir, builtInPluginNames } from './built-ins';
import { asLocation, configTrustProblem, installationModuleDirs, isPackageName, untrustedConfigMessage, type PluginLocation } from './plugin-trust';
import type { PluginSource } from './types';

/** Where `use` points, or why it points nowhere (or nowhere robocurse will load code from). */
export type PluginResolution =
  | { status: 'found'; source: PluginSource; file: string }
  | { status: 'not-found'; message: string };

function isPathLike(use: string): boolean {
  return use.startsWith('./') || use.startsWith('../') || use.startsWith('/') || path.isAbsolute(use)
    || use.startsWith('.\\') || use.startsWith('..\\');
}

function tryResolve(request: string): string | undefined {
  try {
    return require.resolve(request);
  } catch {
    return undefined;
  }
}

/** The code at `target` (a file, or a package folder and all it holds) must be beyond others' reach. */
function codeTrustMessage(use: string, target: string, file: string): string | undefined {
  const problem = treeTrustProblem(target) ?? treeTrustProblem(file);
  return problem ? `refusing to load plugin '${use}' from ${file}: ${formatTrustProblem(problem)} (see docs/security.md)` : undefined;
}

function resolvePath(use: string, loc: PluginLocation): PluginResolution {
  const untrusted = configTrustProblem(loc);
  if (untrusted) return { status: 'not-found', message: untrustedConfigMessage(use, loc, untrusted) };
  const target = path.resolve(loc.configDir, use);
  const file = tryResolve(target);
  if (!file) {
    const why = fs.existsSync(target) ? 'it exists but is not a loadable module (no index.js or package.json main)' : 'no such file';
    return { status: 'not-found', message: `cannot load plugin '${use}': ${target}: ${why}` };
  }
  const refused = codeTrustMessage(use, target, file);
  return refused ? { status: 'not-found', message: refused } : { status: 'found', source: 'path', file };
}

/**
 * A package looked up in exactly these folders, never in node_modules folders above them (the
 * way require() would climb): robocurse's installation first, then global.pluginPaths when the
 * config may name code. Packages of robocurse's own installation are as trusted as robocurse;
 * those found through pluginPaths are checked like plugins named by path.
 */
function resolvePackage(use: string, loc: PluginLocation): PluginResolution | undefined {
  if (!isPackageName(use)) return undefined;
  for (const dir of installationModuleDirs()) {
    const file = fs.existsSync(path.join(dir, use)) ? tryResolve(path.join(dir, use)) : undefined;
    if (file) return { status: 'found', source: 'package', file };
  }
  const extra = loc.pluginPaths ?? [];
  if (extra.length === 0) return undefined;
  const untrusted = configTrustProblem(loc);
  if (untrusted) return { status: 'not-found', message: untrustedConfigMessage(use, loc, untrusted) };
  for (const dir of extra) {
    const target = path.join(dir, use);
    const file = fs.existsSync(target) ? tryResolve(target) : undefined;
    if (!file) continue;
    const refused = codeTrustMessage(use, target, file);
    return refused ? { status: 'not-found', message: refused } : { status: 'found', source: 'package', file };
  }
  return undefined;
}

/**
 * Resolves a plugin reference: a built-in name (a folder under top-level plugins/), a path
 * (./, ../ or absolute; relative to the config file's folder), or a package name (installed
 * with robocurse, or in a folder of global.pluginPaths). Plugin code is loaded only from where
 * nobody but the invoking user and root can change it; see plugin-trust.ts and docs/security.md.
 */
export function resolvePlugin(use: string, where: string | PluginLocation): PluginResolution {
  const loc = asLocation(where);
  if (isPathLike(use)) return resolvePath(use, loc);
  const builtIns = builtInPluginNames();
  if (builtIns.includes(use)) {
    return { status: 'found', source: 'built-in', file: require.resolve(path.join(builtInPluginDir(), use)) };
  }
  const pkg = resolvePackage(use, loc);
  if (pkg) return pkg;
  const paths = loc.pluginPaths?.length ? loc.pluginPaths.join(', ') : 'none';
  return {
    status: 'not-found',
    message: `unknown plugin '${use}': not a built-in (${builtIns.join(', ') || 'none installed'}), `
      + `not a file relative to ${loc.configDir} (paths start with ./ or ../), not a package installed with robocurse `
      + `(${installationModuleDirs().join(', ')}) nor in global.pluginPaths (${paths})`,
  };
}
