import { displayName } from '../fs/byte-names';
import type { FailedFileRow } from '../state/failed-files';

/**
 * `robocurse history --failed-files` as text: every file still failing at the end of a session,
 * one line each (nothing cut: this is where the whole list lives). Names read as \xNN where they
 * are not UTF-8; control characters cannot break a line.
 */
export function renderFailedFilesText(sessionId: string, rows: readonly FailedFileRow[]): string {
  if (rows.length === 0) return `session ${sessionId}: no files still failing\n`;
  const warned = rows.filter((r) => r.severity === 'Warning').length;
  const lines = [`session ${sessionId}: ${rows.length} file(s) still failing after their chunk's last attempt${warned ? ` (${warned} reported as warnings: failedFilesSeverity "warning")` : ''}`];
  for (const r of rows) lines.push(`${r.severity === 'Warning' ? 'WARNING' : 'FAILED '}  ${oneLine(r.profile)}  ${oneLine(displayName(r.path))}  (${r.attempts} attempt(s)): ${oneLine(displayName(r.error))}`);
  return `${lines.join('\n')}\n`;
}

/** The same as one JSON document for scripts. */
export function renderFailedFilesJson(sessionId: string, rows: readonly FailedFileRow[]): string {
  return `${JSON.stringify({
    sessionId, total: rows.length,
    files: rows.map((r) => ({ profile: r.profile, chunkId: r.chunkId, path: displayName(r.path), error: displayName(r.error), severity: r.severity, attempts: r.attempts })),
  })}\n`;
}

// eslint-disable-next-line no-control-regex
const oneLine = (s: string): string => s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
