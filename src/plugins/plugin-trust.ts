import * as path from 'node:path';
import { formatTrustProblem, pathTrustProblem, type TrustProblem } from '../fs/path-trust';
import type { RobocurseConfig } from '../config/types';
import { packageRoot } from '../paths';

/**
 * Where plugins of a config may come from. Loading a plugin runs its code with robocurse's
 * rights (often root), before any run starts: `validate`, `status` and `stop` load them too.
 */
export interface PluginLocation {
  /** Folder of the config file: plugins named by path are relative to it. */
  configDir: string;
  /**
   * The config file. Plugins named by path and `pluginPaths` count only when only the invoking
   * user or root can change this file and every folder above it; without it, the config folder
   * is checked instead (a program that builds its config in memory).
   */
  configFile?: string;
  /** `global.pluginPaths`, absolute: folders (like a node_modules) to look up packages in. */
  pluginPaths?: readonly string[];
}

/** Where the plugins of a validated config may come from. */
export function pluginLocationOf(cfg: RobocurseConfig): PluginLocation {
  return { configDir: cfg.configDir, configFile: cfg.configPath, pluginPaths: cfg.global.pluginPaths };
}

export function asLocation(where: string | PluginLocation): PluginLocation {
  return typeof where === 'string' ? { configDir: where } : where;
}

/** Why the config may not name plugin code (by path or pluginPaths), or undefined when it may. */
export function configTrustProblem(loc: PluginLocation): TrustProblem | undefined {
  return pathTrustProblem(loc.configFile ?? loc.configDir);
}

/** The sentence for a plugin refused because of its config: what is wrong and what to do. */
export function untrustedConfigMessage(use: string, loc: PluginLocation, problem: TrustProblem): string {
  return `refusing to load plugin '${use}': plugins named by path or found through global.pluginPaths load only from a config `
    + `that only you or root can change, but ${formatTrustProblem(problem)}`
    + `${loc.configFile ? '' : ` (config folder ${loc.configDir})`}; built-in plugins and packages installed with robocurse still load (see docs/security.md)`;
}

/**
 * node_modules folders that belong to robocurse's own installation: its own, and the one it is
 * installed in (npm puts a plugin installed next to robocurse there). Never a folder above the
 * config file: whoever can write there is not whoever installed robocurse.
 */
export function installationModuleDirs(root: string = packageRoot()): string[] {
  const dirs = [path.join(root, 'node_modules')];
  const parent = path.dirname(root);
  const enclosing = path.basename(parent).startsWith('@') ? path.dirname(parent) : parent;
  if (path.basename(enclosing) === 'node_modules') dirs.push(enclosing);
  return dirs;
}

/** An npm package name, optionally with a subpath: nothing that could climb out of a folder. */
export function isPackageName(use: string): boolean {
  return /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(?:\/[\w.-]+)*$/i.test(use) && !use.split('/').some((s) => s === '.' || s === '..');
}
