/**
 * Robocopy wildcards know only `*` (any run of characters) and `?` (one character). We convert
 * them to a RegExp ourselves instead of using picomatch: picomatch is a glob engine, so `[a]`,
 * `{a,b}`, `!x`, `+(x)` and `\` would all mean something, and a file literally named `[a].txt`
 * could not be excluded by `[a].txt` without escaping that robocopy users never write. A
 * hand-made translation keeps every other character literal, matches dot files like any other
 * name, and needs no dependency inside the scan workers (faster worker start-up).
 */

/** Characters with a meaning in a RegExp source, escaped so they match literally. */
const REGEX_SPECIAL = /[\\^$.+()[\]{}|/]/g;

/**
 * Regex source for one robocopy wildcard. `*` matches any characters except `sep` when a
 * separator is given (path patterns), so `a/*` matches `a/b` but not `a/b/c`, as a path
 * wildcard is expected to; names contain no separator so the distinction does not arise there.
 */
export function wildcardSource(pattern: string, sep?: string): string {
  let out = '';
  const notSep = sep ? `[^${sep === '/' ? '/' : '\\\\'}]` : '[\\s\\S]';
  for (const ch of pattern) {
    if (ch === '*') out += `${notSep}*`;
    else if (ch === '?') out += notSep;
    else out += ch.replace(REGEX_SPECIAL, '\\$&');
  }
  return out;
}

/** True when the pattern has a robocopy wildcard character. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/**
 * One anchored RegExp matching any of `patterns` (or null when there are none), so a name is
 * tested with a single regex call however many patterns a profile lists.
 */
export function compileWildcards(patterns: readonly string[], caseInsensitive: boolean, sep?: string): RegExp | null {
  if (patterns.length === 0) return null;
  const body = patterns.map((p) => `(?:${wildcardSource(p, sep)})`).join('|');
  // 'u' so `?` consumes one code point (an astral character in a name is one character).
  return new RegExp(`^(?:${body})$`, caseInsensitive ? 'iu' : 'u');
}
