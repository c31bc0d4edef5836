import type { PluginDeclaration } from '../api';

/** Where a plugin module was found. */
export type PluginSource = 'built-in' | 'path' | 'package';

/** A plugin whose module loaded, whose shape and API range fit, and whose options are valid. */
export interface LoadedPlugin {
  declaration: PluginDeclaration;
  source: PluginSource;
  /** Absolute file the module was loaded from. */
  resolvedFrom: string;
  /** Options after validation, with schema defaults filled in (a copy: the config is untouched). */
  options: Record<string, unknown>;
  /** JSON path of the config entry that named it (for errors raised by create()). */
  jsonPath: string;
}
