import type { SizeAgeFilter } from '../api';

/** An age as configured: whole days before the run, or a calendar date (local midnight). */
export type AgeSpec = { days: number } | { date: string };

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `30` (days) or `"2025-01-31"` (a date); undefined for anything else. */
export function parseAge(value: unknown): AgeSpec | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 100_000 ? { days: value } : undefined;
  if (typeof value !== 'string') return undefined;
  const m = DATE.exec(value.trim());
  if (!m) return /^\d+$/.test(value.trim()) ? parseAge(Number(value.trim())) : undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(y, mo - 1, d);
  return t.getFullYear() === y && t.getMonth() === mo - 1 && t.getDate() === d && y >= 1900 ? { date: m[0] } : undefined;
}

/** The instant an age stands for, seen from `now` (epoch ms). */
export function ageInstant(a: AgeSpec, now: number): number {
  if ('days' in a) return now - a.days * DAY_MS;
  const [y, mo, d] = a.date.split('-').map(Number);
  return new Date(y, mo - 1, d).getTime();
}

/** robocopy's form: days below 1900, else a date as YYYYMMDD. */
export function robocopyAge(a: AgeSpec): string {
  return 'days' in a ? String(a.days) : a.date.replace(/-/g, '');
}

/** The size and age filters of a profile as configured (bytes, ages). */
export interface SelectionSettings {
  maxSize?: number;
  minSize?: number;
  maxAge?: AgeSpec;
  minAge?: AgeSpec;
}

/** Resolves the settings at `now`, once per run, for the scan and every engine alike. */
export function resolveSizeAge(s: SelectionSettings, now: number): SizeAgeFilter | undefined {
  const f: SizeAgeFilter = {
    ...(s.maxSize !== undefined ? { maxSize: s.maxSize } : {}),
    ...(s.minSize !== undefined ? { minSize: s.minSize } : {}),
    // maxAge: nothing older than it; minAge: nothing newer than it.
    ...(s.maxAge !== undefined ? { modifiedFromMs: ageInstant(s.maxAge, now) } : {}),
    ...(s.minAge !== undefined ? { modifiedUntilMs: ageInstant(s.minAge, now) } : {}),
  };
  return Object.keys(f).length > 0 ? f : undefined;
}

/** "30 days" / "2025-01-31", for messages. */
export function describeAge(a: AgeSpec): string {
  return 'days' in a ? `${a.days} day${a.days === 1 ? '' : 's'}` : a.date;
}
