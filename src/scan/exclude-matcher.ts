import type { ExcludeRules } from '../api';
import { compileWildcards } from './wildcard';

/**
 * Decides what a scan (or a copier) leaves out, with robocopy `/XF` and `/XD` semantics.
 * Pure and cheap to call per entry: all patterns are compiled once.
 */
export interface ExcludeMatcher {
  /** True when a file with this name (not path) is excluded, or not among `includeFiles`. */
  excludesFile(name: string): boolean;
  /**
   * True when the directory `name`, at `relPath` ('/'-separated, relative to the source root),
   * is excluded together with everything under it.
   */
  excludesDir(name: string, relPath: string): boolean;
}

export interface ExcludeMatcherOptions {
  /**
   * The profile's source root as the user wrote it. Absolute `excludeDirs` under it are turned
   * into root-relative paths; absolute ones outside it can never match and are dropped.
   * Without it, absolute patterns are dropped too (we cannot tell where they point).
   */
  sourceRoot?: string;
}

/** Drive-letter, UNC or POSIX absolute path (as opposed to a name or root-relative path). */
export const ABSOLUTE_PATTERN = /^(?:[A-Za-z]:|[\\/])/;

/** '/'-separated, without leading './' or leading/trailing separators. */
function normaliseRelPattern(p: string): string {
  return p.replace(/\\/g, '/').replace(/\/{2,}/g, '/').replace(/^(?:\.\/)+/, '').replace(/^\/+|\/+$/g, '');
}

/**
 * Turns an absolute exclude-dir path into one relative to `sourceRoot`, or null when it is not
 * under it. Compared with '/' for every separator, and case-insensitively when asked, so
 * `D:\Data\Temp` matches root `d:/data/`.
 */
export function relativeToRoot(abs: string, sourceRoot: string, caseInsensitive: boolean): string | null {
  const a = normaliseRelPattern(abs);
  const r = normaliseRelPattern(sourceRoot);
  const fold = (s: string): string => (caseInsensitive ? s.toLowerCase() : s);
  if (fold(a) === fold(r)) return '';
  if (r === '') return a; // root is '/' (POSIX): every absolute path is under it
  return fold(a).startsWith(`${fold(r)}/`) ? a.slice(r.length + 1) : null;
}

/** Builds a matcher for `rules`. */
export function makeExcludeMatcher(rules: ExcludeRules, opts: ExcludeMatcherOptions = {}): ExcludeMatcher {
  const ci = rules.caseInsensitive;
  const namePatterns: string[] = [];
  const pathPatterns: string[] = [];
  for (const raw of rules.excludeDirs) {
    if (raw.trim() === '') continue;
    if (ABSOLUTE_PATTERN.test(raw)) {
      const rel = opts.sourceRoot === undefined ? null : relativeToRoot(raw, opts.sourceRoot, ci);
      // An exclude equal to the root itself would exclude everything; robocopy ignores it too.
      if (rel) pathPatterns.push(rel);
      continue;
    }
    const p = normaliseRelPattern(raw);
    if (p === '') continue;
    (p.includes('/') ? pathPatterns : namePatterns).push(p);
  }
  const files = compileWildcards(rules.excludeFiles.filter((p) => p !== ''), ci);
  const included = compileWildcards((rules.includeFiles ?? []).filter((p) => p !== ''), ci);
  const dirNames = compileWildcards(namePatterns, ci);
  const dirPaths = compileWildcards(pathPatterns, ci, '/');
  return {
    excludesFile: (name) => (files !== null && files.test(name)) || (included !== null && !included.test(name)),
    excludesDir: (name, relPath) =>
      (dirNames !== null && dirNames.test(name)) || (dirPaths !== null && dirPaths.test(relPath)),
  };
}
