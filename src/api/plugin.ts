import type { Copier } from './copier';
import type { Logger } from './logger';
import type { Notifier } from './notifier';
import type { SnapshotProvider } from './snapshot';

export type PluginKind = 'notifier' | 'snapshot' | 'copier';

/** What a plugin factory receives. Never the DI container: plugins stay framework-free. */
export interface PluginContext<O> {
  /** Options from the config, already validated against the plugin's optionsSchema. */
  options: O;
  logger: Logger;
  /** Aborted when the run ends or is stopped; long-lived work should stop on it. */
  signal: AbortSignal;
  /** Directory of the config file, for resolving relative paths in options. */
  configDir: string;
}

interface KindMap { notifier: Notifier; snapshot: SnapshotProvider; copier: Copier }

/** One plugin, as a module declares it. */
export interface PluginDeclaration<K extends PluginKind = PluginKind, O = any, T = KindMap[K]> {
  kind: K;
  /** Unique within its kind; what `global.plugins[].use` and `engine` / `snapshot.provider` name. */
  name: string;
  /** The plugin's own version (shown by `robocurse plugins`). */
  version: string;
  /** Semver range of API_VERSION the plugin supports, e.g. '^1.0.0'. */
  apiVersion: string;
  /** JSON Schema (draft 2020-12 or 07) for its options; `{}` accepts anything. */
  optionsSchema: Record<string, unknown>;
  /** Builds the plugin. May be async; a rejection fails the run's start with the message. */
  create(context: PluginContext<O>): T | Promise<T>;
}

type Decl<K extends PluginKind, O> = Omit<PluginDeclaration<K, O>, 'kind'>;

/** Declares a notifier plugin (see docs/writing-a-notifier.md). */
export function declareNotifier<O = Record<string, unknown>>(decl: Decl<'notifier', O>): PluginDeclaration<'notifier', O> {
  return { kind: 'notifier', ...decl };
}

/** Declares a snapshot provider plugin. */
export function declareSnapshotProvider<O = Record<string, unknown>>(decl: Decl<'snapshot', O>): PluginDeclaration<'snapshot', O> {
  return { kind: 'snapshot', ...decl };
}

/** Declares a copy engine plugin. */
export function declareCopier<O = Record<string, unknown>>(decl: Decl<'copier', O>): PluginDeclaration<'copier', O> {
  return { kind: 'copier', ...decl };
}

/**
 * The shape a plugin module exports: `export const plugins = [declareNotifier({...})]`
 * (CommonJS `module.exports.plugins` works the same).
 */
export interface PluginModule {
  plugins: PluginDeclaration[];
}
