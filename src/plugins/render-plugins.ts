import { API_VERSION } from '../api';
import type { ConfigProblem } from '../config/problems';
import type { PluginListing } from './list-plugins';

export type PluginListFormat = 'text' | 'json';

const COLUMNS: { title: string; get: (p: PluginListing) => string }[] = [
  { title: 'NAME', get: (p) => p.name },
  { title: 'KIND', get: (p) => p.kind },
  { title: 'VERSION', get: (p) => p.version },
  { title: 'SOURCE', get: (p) => p.source },
  { title: 'API', get: (p) => p.apiVersion },
  { title: 'CONFIGURED', get: (p) => (p.configured ? 'yes' : 'no') },
  { title: 'FROM', get: (p) => p.resolvedFrom },
];

/**
 * The `robocurse plugins` output. Text: an aligned table, then the problems (one per line).
 * JSON: `{ apiVersion, plugins, problems }` on one line, for scripts.
 */
export function renderPlugins(plugins: PluginListing[], problems: ConfigProblem[], format: PluginListFormat): string {
  if (format === 'json') return `${JSON.stringify({ apiVersion: API_VERSION, plugins, problems })}\n`;
  const rows = [COLUMNS.map((c) => c.title), ...plugins.map((p) => COLUMNS.map((c) => c.get(p)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd());
  if (plugins.length === 0) lines.push('(no plugins found)');
  lines.push('', `robocurse plugin API ${API_VERSION}`);
  if (problems.length > 0) {
    lines.push('', `${problems.length} problem(s):`, ...problems.map((p) => `  ${p.path}: ${p.message}`));
  }
  return `${lines.join('\n')}\n`;
}
