/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${bytes} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

/** 3_723_000 → "1h 02m 03s". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m ${String(sec).padStart(2, '0')}s`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return ms < 1000 ? `${ms} ms` : `${sec}s`;
}

/** Bytes per second as "12.3 MiB/s"; "n/a" for an instant profile. */
export function formatThroughput(bytes: number, ms: number): string {
  return ms > 0 ? `${formatBytes(Math.round((bytes * 1000) / ms))}/s` : 'n/a';
}

/** Share of attempted chunks that ended Success or Warning, e.g. "98.5%". */
export function successRate(ok: number, warning: number, failed: number): string {
  const attempted = ok + warning + failed;
  return attempted === 0 ? 'n/a' : `${(Math.floor(((ok + warning) * 1000) / attempted) / 10).toFixed(1)}%`;
}

/** HTML text escaping for element content and quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
