import type { RunEvent } from '../api';
import type { StateStore } from '../state';
import { chunkView, type ChunkView } from './run-views';

/** Warning events read for the errors view. */
const MAX_WARNING_EVENTS = 10_000;

export interface ErrorGroup {
  /** Stable key: `chunk:<severity>:<exit code>` or `warning:<code>`. */
  key: string;
  label: string;
  severity: 'error' | 'warning';
  /** Exact, even when `chunks`/`warnings` carry only the first items. */
  count: number;
  chunks: ChunkView[];
  warnings: { timestamp: string; profile?: string; message: string }[];
}

/** `listed` < `total` when the groups carry only their first items. */
export interface ErrorsView { total: number; listed: number; groups: ErrorGroup[] }

/**
 * Every problem of a session grouped by code: chunks that failed for good or finished with
 * warnings (by severity and exit code) and Warning events (by their code). The badge, the
 * groups and the CSV are all computed from this one set, so the summary never disagrees with
 * the detail. `perGroup` caps the items listed per group (the page); counts stay exact.
 */
export function errorGroups(store: StateStore, sessionId: string, perGroup = 1_000_000): ErrorsView {
  const groups = new Map<string, ErrorGroup>();
  const problems = store.problemChunks(sessionId, perGroup);
  const keyOf = (severity: string, exitCode: number) => `chunk:${severity}:${exitCode}`;
  for (const g of problems.groups) {
    const failed = g.severity !== 'Warning';
    groups.set(keyOf(g.severity, g.exitCode), {
      key: keyOf(g.severity, g.exitCode), label: `${failed ? 'Failed' : 'Warning'} · exit code ${g.exitCode}`, severity: failed ? 'error' : 'warning',
      count: g.count, chunks: [], warnings: [],
    });
  }
  for (const c of problems.rows) groups.get(keyOf(c.severity ?? 'Error', c.exitCode ?? -1))?.chunks.push(chunkView(c));
  for (const e of store.eventsOfTypes(sessionId, ['Warning'], MAX_WARNING_EVENTS) as RunEvent<'Warning'>[]) {
    const key = `warning:${e.data.code}`;
    let g = groups.get(key);
    if (!g) { g = { key, label: `Warning · ${e.data.code}`, severity: 'warning', count: 0, chunks: [], warnings: [] }; groups.set(key, g); }
    g.count++;
    if (g.warnings.length < perGroup) g.warnings.push({ timestamp: e.timestamp, profile: e.data.profile, message: e.data.message });
  }
  const all = [...groups.values()];
  const sorted = all.sort((a, b) => (a.severity === b.severity ? b.count - a.count : a.severity === 'error' ? -1 : 1));
  return {
    total: all.reduce((n, g) => n + g.count, 0),
    listed: all.reduce((n, g) => n + g.chunks.length + g.warnings.length, 0),
    groups: sorted,
  };
}

/** A CSV cell: quoted, and defused when a spreadsheet would run it as a formula (=, +, -, @). */
function cell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

/** The errors view as CSV (RFC 4180, CRLF), one line per chunk or warning. */
export function errorsCsv(view: ErrorsView): string {
  const lines = [['group', 'severity', 'profile', 'chunk_id', 'path', 'status', 'attempts', 'exit_code', 'message', 'timestamp'].map(cell).join(',')];
  for (const g of view.groups) {
    for (const c of g.chunks) {
      lines.push([g.label, g.severity, c.profile, c.chunkId, c.source, c.status, c.attempts, c.exitCode, c.lastError, c.finishedAt].map(cell).join(','));
    }
    for (const w of g.warnings) lines.push([g.label, g.severity, w.profile, '', '', '', '', '', w.message, w.timestamp].map(cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
