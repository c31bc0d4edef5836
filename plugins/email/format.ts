// The same units as every other view of robocurse (src/api/units.ts).
export { formatBytes, formatDuration, formatAverageRate as formatThroughput } from '../../src/plugin';

/** Share of attempted chunks that ended Success or Warning, e.g. "98.5%". */
export function successRate(ok: number, warning: number, failed: number): string {
  const attempted = ok + warning + failed;
  return attempted === 0 ? 'n/a' : `${(Math.floor(((ok + warning) * 1000) / attempted) / 10).toFixed(1)}%`;
}

/** HTML text escaping for element content and quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
