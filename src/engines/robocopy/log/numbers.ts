import type { SummaryRow, SummaryTimes } from './types';

/** Robocopy's size suffixes are binary: 1 k = 1024 bytes. */
const SUFFIX: Readonly<Record<string, number>> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

const NUMBER = /^(\d+(?:[.,]\d+)?)([kmgt])?$/i;
const SUFFIX_ONLY = /^[kmgt]$/i;

/**
 * The six numeric columns after a summary row's ':' ("33.97 m    2.67 m   31.30 m  0  538  6.92 m"
 * or raw /BYTES integers), or null when the text is not exactly six sizes. Suffixed sizes are
 * rounded to whole bytes; either '.' or ',' may be the decimal mark (size columns have no
 * digit grouping, so there is no ambiguity).
 */
export function parseSizeColumns(text: string): SummaryRow | null {
  const tokens = text.trim().split(/\s+/);
  const values: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const m = NUMBER.exec(tokens[i]);
    if (!m) return null;
    let suffix = m[2];
    if (suffix === undefined && i + 1 < tokens.length && SUFFIX_ONLY.test(tokens[i + 1])) suffix = tokens[++i];
    const n = Number(m[1].replace(',', '.'));
    values.push(suffix === undefined ? n : Math.round(n * SUFFIX[suffix.toLowerCase()]));
  }
  if (values.length !== 6) return null;
  const [total, copied, skipped, mismatch, failed, extras] = values;
  return { total, copied, skipped, mismatch, failed, extras };
}

const DURATION = /^(?:(\d+):)?(\d{1,2}):(\d{2}(?:[.,]\d+)?)$/;

/** `h:mm:ss` (or old `m:ss.mmm`) in seconds, or null. */
export function parseDuration(token: string): number | null {
  const m = DURATION.exec(token);
  if (!m) return null;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3].replace(',', '.'));
}

/**
 * The Times row: four columns (Total, Copied, FAILED, Extras — Skipped and Mismatch are blank)
 * or, defensively, six. Null when the text is not a row of durations.
 */
export function parseTimeColumns(text: string): SummaryTimes | null {
  const values = text.trim().split(/\s+/).map(parseDuration);
  if (values.some((v) => v === null)) return null;
  const v = values as number[];
  if (v.length === 4) return { total: v[0], copied: v[1], failed: v[2], extras: v[3] };
  if (v.length === 6) return { total: v[0], copied: v[1], failed: v[4], extras: v[5] };
  return null;
}

/** A Speed line's value: a number (any grouping) followed by a unit with a '/' ("Bytes/sec."). */
const SPEED = /^([\d\s.,'\u00a0\u202f]*\d)\s*(\S*\/\S*)\s*$/u;

/** The number and unit of a Speed line's value, or null. Grouping is kept for parseSpeedNumber. */
export function matchSpeed(text: string): { number: string; unit: string } | null {
  const m = SPEED.exec(text.trim());
  return m ? { number: m[1], unit: m[2] } : null;
}

/**
 * A localised number. `integer`: every separator is grouping ("1 671 206", "36.118.000").
 * Otherwise the last '.' or ',' is the decimal mark and the rest is grouping: robocopy prints
 * MB/min with three decimals ("95,627", "2066.688", "1 234,567"), so a value without any
 * decimal part never reaches this with a separator.
 */
export function parseLocalisedNumber(text: string, integer: boolean): number {
  const compact = text.replace(/[\s'\u00a0\u202f]/gu, '');
  if (integer) return Number(compact.replace(/[.,]/g, ''));
  const lastSep = Math.max(compact.lastIndexOf('.'), compact.lastIndexOf(','));
  if (lastSep < 0) return Number(compact);
  return Number(`${compact.slice(0, lastSep).replace(/[.,]/g, '')}.${compact.slice(lastSep + 1)}`);
}
