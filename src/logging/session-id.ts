import { randomBytes } from 'node:crypto';

/** Sortable, unique, filename-safe: 20261128-142501-3fa9c2. */
export function newSessionId(now: Date = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * When the session of `id` started, read back from its id (local time, to the second); undefined
 * for a string that is not a session id. Local time is ambiguous for an hour a year, so callers
 * keep a margin.
 */
export function sessionStartOf(id: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-[0-9a-f]{6}$/.exec(id);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const at = new Date(y, mo - 1, d, h, mi, s);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
