import type { FailureRow } from './report-model';

/**
 * One CSV field. Quoted always (paths contain commas); a value starting with = + - @ gets a
 * leading quote so a spreadsheet opening the attachment does not run it as a formula.
 */
function field(v: string | number | undefined): string {
  let s = v === undefined ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

/** Every failure row as CSV (RFC 4180, CRLF line ends, UTF-8 with BOM for spreadsheets). */
export function failuresCsv(rows: FailureRow[]): string {
  const header = ['profile', 'chunkId', 'chunkSource', 'exitCode', 'retryCount', 'path', 'code', 'message', 'severity'];
  const lines = rows.map((r) => [r.profile, r.chunkId, r.source, r.exitCode, r.retryCount, r.path, r.code, r.message, r.path === undefined ? undefined : r.severity ?? 'Error'].map(field).join(','));
  return `\ufeff${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
