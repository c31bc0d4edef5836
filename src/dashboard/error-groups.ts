import type { RunEvent } from '../api';
import type { StateStore } from '../state';
import { chunkView, type ChunkView } from './run-views';

/** Chunks read for the errors view; the total is always exact, the list stops here. */
const MAX_PROBLEM_CHUNKS = 10_000;

export interface ErrorGroup {
  /** Stable key: `chunk:<severity>:<exit code>` or `warning:<code>`. */
  key: string;
  label: string;
  severity: 'error' | 'warning';
  count: number;
  chunks: ChunkView[];
  warnings: { timestamp: string; profile?: string; message: string }[];
}

export interface ErrorsView { total: number; listed: number; groups: ErrorGroup[] }

/**
 * Every problem of a session grouped by code: chunks that failed for good or finished with
 * warnings (by severity and exit code) and Warning events (by their code). The badge, the
 * groups and the CSV are all computed from this one set, so the summary never disagrees with
 * the detail.
 */
export function errorGroups(store: StateStore, sessionId: string): ErrorsView {
  const groups = new Map<string, ErrorGroup>();
  const group = (key: string, label: string, severity: 'error' | 'warning'): ErrorGroup => {
    let g = groups.get(key);
    if (!g) { g = { key, label, severity, count: 0, chunks: [], warnings: [] }; groups.set(key, g); }
    return g;
  };
  const problems = store.problemChunks(sessionId, MAX_PROBLEM_CHUNKS);
  for (const c of problems.rows) {
    const failed = c.status === 'Failed';
    const code = c.exitCode ?? -1;
    const g = group(`chunk:${c.severity ?? 'Error'}:${code}`, `${failed ? 'Failed' : 'Warning'} · exit code ${code}`, failed ? 'error' : 'warning');
    g.chunks.push(chunkView(c));
  }
  // Counts of the listed rows; ErrorsView.total against .listed tells when the list stopped early.
  for (const g of groups.values()) g.count = g.chunks.length;
  let warningEvents = 0;
  for (const e of store.eventsOfTypes(sessionId, ['Warning'], 10_000) as RunEvent<'Warning'>[]) {
    const g = group(`warning:${e.data.code}`, `Warning · ${e.data.code}`, 'warning');
    g.count++;
    warningEvents++;
    g.warnings.push({ timestamp: e.timestamp, profile: e.data.profile, message: e.data.message });
  }
  const sorted = [...groups.values()].sort((a, b) => (a.severity === b.severity ? b.count - a.count : a.severity === 'error' ? -1 : 1));
  return { total: problems.total + warningEvents, listed: problems.rows.length + warningEvents, groups: sorted };
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
