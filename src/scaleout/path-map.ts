import * as path from 'node:path';
import { UsageError } from '../errors/usage-error';

/** One `--path-map SRC=LOCAL`: a root as the coordinator names it, and where this host mounts it. */
export interface PathMapping { from: string; to: string }

/** Parses `--path-map` values; both sides must be absolute, without control characters. */
export function parsePathMaps(values: readonly string[]): PathMapping[] {
  return values.map((v) => {
    const eq = v.indexOf('=');
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(v)) throw new UsageError(`--path-map: '${JSON.stringify(v)}' contains a control character`);
    if (eq <= 0 || eq === v.length - 1) throw new UsageError(`--path-map: expected SRC=LOCAL (two absolute paths), got '${v}'`);
    const from = v.slice(0, eq);
    const to = v.slice(eq + 1);
    for (const [side, p] of [['SRC', from], ['LOCAL', to]] as const) {
      if (!path.isAbsolute(p) && !/^[A-Za-z]:[\\/]|^\\\\/.test(p)) throw new UsageError(`--path-map ${v}: ${side} '${p}' is not an absolute path`);
    }
    return { from: trimSep(from), to: trimSep(to) };
  });
}

function trimSep(p: string): string {
  return p.length > 1 ? p.replace(/[\\/]+$/, '') || p : p;
}

/**
 * The root as this host sees it: the longest mapping whose SRC is the root or a parent of it
 * (whole path components only: /srv/data never maps /srv/database), else the root unchanged.
 */
export function mapRoot(maps: readonly PathMapping[], root: string): string {
  let best: PathMapping | undefined;
  for (const m of maps) {
    const under = root === m.from || root.startsWith(m.from.endsWith('/') || m.from.endsWith('\\') ? m.from : `${m.from}/`) || root.startsWith(`${m.from}\\`);
    if (under && (!best || m.from.length > best.from.length)) best = m;
  }
  if (!best) return root;
  const rest = root.slice(best.from.length);
  return rest !== '' && !/^[\\/]/.test(rest) ? `${best.to}/${rest}` : best.to + rest;
}
