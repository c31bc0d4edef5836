import { displayName, hasEscapedBytes } from './byte-names';

/** Deeper than any report or event payload; a guard against a cycle, not a real limit. */
const MAX_DEPTH = 32;

/**
 * `value` with every string in it passed through `displayName`, for what leaves the process as
 * text: run summaries, events (SIEM, the events table, `--json` lines), plans. A name that is not
 * UTF-8 then reads `caf\xE9`, where JSON or a terminal would otherwise show U+FFFD (a lone
 * surrogate has no UTF-8 form). Plain objects and arrays are copied only where something
 * changed; when nothing needs it — the usual case — `value` itself is returned.
 */
export function displayNames<T>(value: T): T {
  return map(value, 0) as T;
}

function map(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return hasEscapedBytes(v) ? displayName(v) : v;
  if (v === null || typeof v !== 'object' || depth >= MAX_DEPTH) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const m = map(v[i], depth + 1);
      if (m !== v[i]) (out ??= v.slice())[i] = m;
    }
    return out ?? v;
  }
  // Only plain records: Dates, Errors, Buffers and class instances are left as they are.
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return v;
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    const m = map(x, depth + 1);
    if (m !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = m;
  }
  return out ?? v;
}

/** JSON text `\uDC80`..`\uDCFF`: how JSON.stringify writes an escaped byte. */
const ESCAPE_TEXT = /\\u[dD][cC][89a-fA-F]/;

/** `\xNN` as JSON text (it reads back as `\xNN`, as displayName shows the byte). */
function byteText(code: number): string {
  return `\\\\x${(code - 0xdc00).toString(16).toUpperCase()}`;
}

/**
 * For a serialised JSON line (the session log) with escaped names in it, which would reach a file
 * or terminal as U+FFFD: every escaped byte becomes the JSON text `\\xNN`. Both forms occur —
 * pino writes short strings' lone surrogates raw and nested values through JSON.stringify as
 * `\udcNN` — and a real surrogate pair, raw or as two `\u` escapes, is kept.
 */
export function displayNamesInJsonLine(line: string): string {
  if (!hasEscapedBytes(line) && !ESCAPE_TEXT.test(line)) return line;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x5c) {
      if (line[i + 1] !== 'u') { out += line.slice(i, i + 2); i++; continue; }
      const code = parseInt(line.slice(i + 2, i + 6), 16);
      const pair = code >= 0xd800 && code <= 0xdbff && line[i + 6] === '\\' && line[i + 7] === 'u';
      if (pair) { out += line.slice(i, i + 12); i += 11; continue; }
      out += code >= 0xdc80 && code <= 0xdcff ? byteText(code) : line.slice(i, i + 6);
      i += 5;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < line.length) {
      out += line[i] + line[i + 1];
      i++;
    } else {
      out += c >= 0xdc80 && c <= 0xdcff ? byteText(c) : line[i];
    }
  }
  return out;
}
