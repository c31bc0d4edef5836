// The same rules as src/api/units.ts (binary units, three significant digits, "1h02m"), so the
// dashboard reads like every other view; test/unit/api/units.spec.ts keeps them in step.
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

export function bytes(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n); let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) { v /= 1024; i++; }
  if (i === 0) return `${sign}${Math.round(v)} B`;
  if (v >= 999.5 && i < UNITS.length - 1) { v /= 1024; i++; }
  return `${sign}${v >= 99.95 ? v.toFixed(0) : v >= 9.995 ? v.toFixed(1) : v.toFixed(2)} ${UNITS[i]}`;
}

export function rate(bps) { return bps === null || bps === undefined || !Number.isFinite(bps) || bps < 0 ? '–' : `${bytes(bps)}/s`; }

const pad2 = (n) => String(n).padStart(2, '0');

export function duration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 9950) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${pad2(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${pad2(m % 60)}m`;
  return `${Math.floor(h / 24)}d${pad2(h % 24)}h`;
}

export function eta(seconds) { return seconds === null || seconds === undefined ? 'estimating…' : duration(seconds * 1000); }

export function time(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

export function dateTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return `${d.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false })}`;
}

export function percent(part, whole) { return whole > 0 ? Math.min(100, (part / whole) * 100) : 0; }

export const mbps = (bytesPerSec) => (bytesPerSec > 0 ? Math.round((bytesPerSec * 8) / 1e4) / 100 : 0);
