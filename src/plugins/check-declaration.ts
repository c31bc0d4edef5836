import { API_VERSION, type PluginDeclaration } from '../api';

const KINDS = ['notifier', 'snapshot', 'copier'];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Finds the declaration list in a loaded module. Accepts `exports.plugins` and, for modules
 * compiled from ESM, `exports.default.plugins`.
 */
export function declarationsOf(mod: unknown): { list?: unknown[]; problem?: string } {
  const m = mod as { plugins?: unknown; default?: { plugins?: unknown } } | undefined;
  const list = m?.plugins ?? m?.default?.plugins;
  if (list === undefined) return { problem: 'the module does not export `plugins` (expected `exports.plugins = [declareNotifier({...}), ...]`)' };
  if (!Array.isArray(list)) return { problem: '`plugins` must be an array of plugin declarations' };
  if (list.length === 0) return { problem: '`plugins` is empty: the module declares no plugin' };
  return { list };
}

/**
 * Checks one entry of a module's `plugins` list. Returns every problem (empty when it is a
 * usable declaration), each a sentence saying what was expected.
 */
export function checkDeclaration(entry: unknown, index: number): string[] {
  const at = `plugins[${index}]`;
  if (!isPlainObject(entry)) return [`${at} must be an object (a plugin declaration)`];
  const problems: string[] = [];
  const label = typeof entry.name === 'string' && entry.name ? `plugin '${entry.name}'` : at;
  if (typeof entry.kind !== 'string' || !KINDS.includes(entry.kind)) problems.push(`${label}: kind must be one of ${KINDS.join(', ')}`);
  if (typeof entry.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(entry.name)) problems.push(`${at}: name must be a non-empty string of letters, digits, '.', '_' or '-'`);
  if (typeof entry.version !== 'string' || !entry.version) problems.push(`${label}: version must be a non-empty string`);
  if (typeof entry.optionsSchema !== 'object' || entry.optionsSchema === null || Array.isArray(entry.optionsSchema)) problems.push(`${label}: optionsSchema must be a JSON Schema object ({} accepts any options)`);
  if (typeof entry.create !== 'function') problems.push(`${label}: create must be a function (the plugin factory)`);
  // semver is loaded here, not at import: only a config that names plugins gets this far.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const semver = require('semver') as typeof import('semver');
  if (typeof entry.apiVersion !== 'string' || semver.validRange(entry.apiVersion) === null) {
    problems.push(`${label}: apiVersion must be a semver range such as '^1.0.0'`);
  } else if (!semver.satisfies(API_VERSION, entry.apiVersion)) {
    problems.push(`${label} supports robocurse plugin API ${entry.apiVersion}, but this robocurse provides API ${API_VERSION}: `
      + `use a version of the plugin made for API ^${semver.major(API_VERSION)}.0.0`);
  }
  return problems;
}

/** Narrowing helper once checkDeclaration returned no problem. */
export function asDeclaration(entry: unknown): PluginDeclaration {
  return entry as PluginDeclaration;
}
