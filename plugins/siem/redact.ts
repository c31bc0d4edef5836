import { createHash } from 'node:crypto';

/** Data keys whose string values are file system paths, in every event payload. */
const PATH_KEYS = new Set(['source', 'destination', 'root', 'sourcePath', 'snapshotPath', 'path', 'logPath']);

export type RedactMode = 'none' | 'hash' | 'redact';

/**
 * Returns a copy of `data` with paths replaced: 'hash' gives `sha256:<16 hex>` of salt+path (the
 * same path always gives the same token, so events still correlate), 'redact' gives
 * '<redacted>'. Paths also disappear from free-text fields (messages often quote them).
 */
export function redactPaths(data: unknown, mode: RedactMode, salt: string): unknown {
  if (mode === 'none') return data;
  const replace = (p: string): string => (mode === 'redact' ? '<redacted>' : `sha256:${createHash('sha256').update(salt + p).digest('hex').slice(0, 16)}`);
  const found = new Set<string>();
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (PATH_KEYS.has(k) && typeof x === 'string' && x) found.add(x);
        else collect(x);
      }
    }
  };
  collect(data);
  // Longest first, so a parent path does not eat the start of a child path in a message.
  const paths = [...found].sort((a, b) => b.length - a.length);
  const scrubText = (s: string): string => paths.reduce((acc, p) => acc.split(p).join(replace(p)), s);
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key !== undefined && PATH_KEYS.has(key) ? (v ? replace(v) : v) : scrubText(v);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(data);
}
