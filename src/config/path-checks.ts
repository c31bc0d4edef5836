import * as fs from 'node:fs';
import * as path from 'node:path';

/** `D:\x`, `D:/x`, `\\server\share\x`: a path only Windows can resolve. */
export function isWindowsPath(p: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(p) || /^\\\\[^\\]+\\[^\\]+/.test(p);
}

/** Resolves a config path against the config file's folder, with the host's path rules. */
export function resolveConfigPath(configDir: string, p: string): string {
  return path.resolve(configDir, p);
}

/**
 * The real path of `p`, or of its nearest existing ancestor joined with the rest, so a
 * destination that does not exist yet still compares correctly with a symlinked source.
 */
export function realPathLoose(p: string): string {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(cur), ...rest.reverse());
    } catch {
      const up = path.dirname(cur);
      if (up === cur) return p;
      rest.push(path.basename(cur));
      cur = up;
    }
  }
}

/** True when `inner` is `outer` or lies inside it. Case-insensitive where the host is. */
export function isSameOrInside(outer: string, inner: string, caseInsensitive = process.platform === 'win32'): boolean {
  const norm = (s: string): string => (caseInsensitive ? s.toLowerCase() : s);
  const rel = path.relative(norm(outer), norm(inner));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
