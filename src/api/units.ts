/**
 * The one way robocurse writes figures for people: the run summary, `status`, `history`, the
 * plan, progress lines, the email report and (through web/app/format.js, kept in step by a test)
 * the dashboard. Binary units, three significant digits, no float noise.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** 0 → "0 B", 512 → "512 B", 1536 → "1.50 KiB", 12.3·2^20 → "12.3 MiB", 512·2^30 → "512 GiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '-';
  const sign = bytes < 0 ? '-' : '';
  let v = Math.abs(bytes);
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) { v /= 1024; i++; }
  if (i === 0) return `${sign}${Math.round(v)} B`;
  // 1023.96 KiB would print as "1024 KiB": step up instead.
  if (v >= 999.5 && i < BYTE_UNITS.length - 1) { v /= 1024; i++; }
  return `${sign}${v >= 99.95 ? v.toFixed(0) : v >= 9.995 ? v.toFixed(1) : v.toFixed(2)} ${BYTE_UNITS[i]}`;
}

/** Bytes per second as "12.3 MiB/s"; "-" while unknown (undefined, not finite, negative). */
export function formatRate(bytesPerSecond: number | undefined): string {
  if (bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) return '-';
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** The average rate of `bytes` moved in `ms`; "-" for no time at all. */
export function formatAverageRate(bytes: number, ms: number): string {
  return ms > 0 ? formatRate((bytes * 1000) / ms) : '-';
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * A duration, short and exact enough to compare runs: "0.4s", "9.9s", "12s", "4m09s", "1h02m",
 * "3d04h". Negative or unknown durations read "-".
 */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 9_950) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${pad2(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${pad2(m % 60)}m`;
  return `${Math.floor(h / 24)}d${pad2(h % 24)}h`;
}

/** Seconds left as a duration, "-" while unknown. */
export function formatEta(seconds: number | undefined): string {
  return seconds === undefined || !Number.isFinite(seconds) ? '-' : formatDuration(Math.max(0, seconds) * 1000);
}

/** 1234567 → "1,234,567": locale-independent, so output is the same on every host. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '-';
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `part` of `whole` as "42.0%", rounded down (100.0% only when all is done); "-" for an empty whole. */
export function formatPercent(part: number, whole: number): string {
  if (!(whole > 0)) return '-';
  return `${(Math.floor(Math.min(1000, Math.max(0, (1000 * part) / whole))) / 10).toFixed(1)}%`;
}
