import * as path from 'node:path';
import type { Chunk } from '../../api';
import { relativeToRoot } from '../../scan/exclude-matcher';
import { wildcardSource } from '../../scan/wildcard';
import { hasControlChar, RsyncArgumentError } from './errors';

/** What the filter rules are built from (a subset of CopyOptions plus the engine's choice). */
export interface FilterInput {
  excludeFiles: readonly string[];
  excludeDirs: readonly string[];
  caseInsensitive: boolean;
  /** `--delete-excluded` is on: directory scoping must then be protected explicitly. */
  deleteExcluded: boolean;
  /**
   * The chunk directory's name when rsync copies it as an entry of its parent (argv.ts
   * chunkOperands): anchored rules then start below `/<top>/`. Undefined for the root chunk.
   */
  top?: string;
  /** Only files matching these wildcards: after the excludes, every directory, then `+ pat` per pattern, then `- *`. */
  includeFiles?: readonly string[];
  /** A NUL-separated rules file of the size and age filters (selection-rules.ts), merged before the includes. */
  mergeFile?: string;
}

/** Characters rsync's wildmatch gives a meaning to, when the pattern is a wildcard pattern. */
const RSYNC_SPECIAL = new Set(['[', ']', '\\', '*', '?']);

/**
 * Translates one robocopy-style wildcard (a name or one path segment) into an rsync pattern.
 * `*` and `?` keep their meaning (runs of `*` collapse: rsync's `**` would cross '/'); every
 * other character is literal. rsync treats `\` as an escape only when the pattern has a wildcard
 * character (`*`, `?`, `[`), so literal `[ ] \` are escaped exactly in that case, and a literal
 * name without wildcards is passed unchanged. rsync has no case-insensitive matching: with
 * `caseInsensitive`, ASCII letters become `[aA]` classes (non-ASCII letters stay as written,
 * because rsync's classes match bytes, not UTF-8 characters).
 */
export function toRsyncPattern(robocopyPattern: string, caseInsensitive: boolean): string {
  const tokens: Array<{ text: string; literal: boolean }> = [];
  let wild = false;
  for (const ch of robocopyPattern) {
    if (ch === '*') {
      wild = true;
      if (tokens.at(-1)?.text !== '*') tokens.push({ text: '*', literal: false });
    } else if (ch === '?') {
      wild = true;
      tokens.push({ text: '?', literal: false });
    } else if (caseInsensitive && /[A-Za-z]/.test(ch)) {
      wild = true;
      tokens.push({ text: `[${ch.toLowerCase()}${ch.toUpperCase()}]`, literal: false });
    } else {
      if (ch === '[') wild = true;
      tokens.push({ text: ch, literal: true });
    }
  }
  return tokens.map((t) => (wild && t.literal && RSYNC_SPECIAL.has(t.text) ? `\\${t.text}` : t.text)).join('');
}

/**
 * A name matched literally by rsync: wildcard characters are escaped, which also makes rsync
 * honour the backslashes (it treats a backslash as an escape only in patterns with a wildcard).
 */
export function literalPattern(name: string): string {
  return /[*?[]/.test(name) ? name.replace(/[[\]\\*?]/g, (c) => `\\${c}`) : name;
}

/** Segments of a '/'- or '\'-separated relative pattern, as the exclude matcher splits them. */
function segments(p: string): string[] {
  return p.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
}

function segmentMatches(pattern: string, name: string, caseInsensitive: boolean): boolean {
  return new RegExp(`^(?:${wildcardSource(pattern, '/')})$`, caseInsensitive ? 'iu' : 'u').test(name);
}

/**
 * The profile's source root as seen from this chunk (chunk.sourcePath minus chunk.relPath), or
 * null when the two do not line up (then absolute excludes cannot be placed and are dropped).
 */
function chunkSourceRoot(chunk: Chunk): string | null {
  if (chunk.relPath === '') return chunk.sourcePath;
  const src = chunk.sourcePath.replace(/\/+$/, '');
  const suffix = `/${chunk.relPath}`;
  return src.endsWith(suffix) ? src.slice(0, -suffix.length) || path.posix.sep : null;
}

/**
 * A directory path exclude (relative to the source root) as seen from the chunk: the part below
 * the chunk, anchored at the transfer root. Excludes above or beside the chunk cannot match
 * inside it and give null. One that names the chunk itself or an ancestor also gives null: the
 * scanner has already left such a directory out, so no chunk for it exists.
 */
function pathBelowChunk(pattern: string[], chunkRel: string[], ci: boolean): string[] | null {
  if (pattern.length <= chunkRel.length) return null;
  for (let i = 0; i < chunkRel.length; i++) if (!segmentMatches(pattern[i], chunkRel[i], ci)) return null;
  return pattern.slice(chunkRel.length);
}

function checkPattern(p: string): void {
  if (hasControlChar(p)) throw new RsyncArgumentError('RSYNC_UNSAFE_PATTERN', `exclude pattern contains a control character: ${JSON.stringify(p)}`);
}

/**
 * rsync `--filter` rules (each the text after `--filter=`) that scope a chunk and apply the
 * profile's excludes with the same meaning as the scanner's exclude matcher:
 * - files-only chunk: every directory is excluded (a `-` rule for `*` with a trailing
 *   slash, which matches directories only), which on the receiver also protects
 *   every subdirectory from `--delete`; with `--delete-excluded` a protect rule keeps it so;
 * - excludeDirs names or wildcards: `- name/` (any depth); paths with a separator, relative to
 *   the source root or absolute under it: `- /path/below/chunk/`;
 * - excludeFiles wildcards on names: `+ pat/` then `- pat`, so a directory whose name happens to
 *   match a file pattern is not excluded (robocopy /XF never excludes directories).
 * Rules are written with `--filter` rather than `--exclude` because `--exclude` reads a leading
 * `+ ` or `- ` in the pattern as a rule prefix; a literal file named `+ x` would be included.
 * Rsync's excluded entries are protected from `--delete` on the receiver, so excluded
 * destination entries survive a mirror unless `deleteExcluded` is asked for.
 */
export function buildFilterRules(chunk: Chunk, input: FilterInput): string[] {
  const ci = input.caseInsensitive;
  const rules: string[] = [];
  const anchor = input.top === undefined ? '' : `/${literalPattern(input.top)}`;
  if (chunk.kind === 'files-only') {
    // The chunk directory itself is in the transfer when copied as an entry: only what is below it.
    const dirs = input.top === undefined ? '*/' : `${anchor}/*/`;
    if (input.deleteExcluded) rules.push(`P ${dirs}`);
    rules.push(`- ${dirs}`);
  } else {
    const root = chunkSourceRoot(chunk);
    const chunkRel = segments(chunk.relPath);
    for (const raw of input.excludeDirs) {
      checkPattern(raw);
      if (raw.trim() === '') continue;
      const absolute = /^(?:[A-Za-z]:|[\\/])/.test(raw);
      const rel = absolute ? (root === null ? null : relativeToRoot(raw, root, ci)) : raw;
      // '' is the root itself: robocopy ignores such an exclude, and so does the matcher.
      if (!rel) continue;
      const segs = segments(rel);
      if (segs.length === 0) continue;
      if (!absolute && segs.length === 1) {
        rules.push(`- ${toRsyncPattern(segs[0], ci)}/`);
        continue;
      }
      const below = pathBelowChunk(segs, chunkRel, ci);
      if (below) rules.push(`- ${anchor}/${below.map((s) => toRsyncPattern(s, ci)).join('/')}/`);
    }
  }
  for (const raw of input.excludeFiles) {
    checkPattern(raw);
    // A name never holds '/': such a pattern cannot match in the scanner either.
    if (raw === '' || raw.includes('/')) continue;
    const pat = toRsyncPattern(raw, ci);
    rules.push(`+ ${pat}/`, `- ${pat}`);
  }
  if (input.mergeFile !== undefined) {
    checkPattern(input.mergeFile);
    rules.push(`merge ${input.mergeFile}`);
  }
  const includes = (input.includeFiles ?? []).filter((raw) => raw !== '' && !raw.includes('/'));
  if (includes.length > 0) {
    // Directories stay in (the excludes above had their turn); files only when a pattern names
    // them. What `- *` leaves out is also never deleted on the receiver: a mirror keeps it.
    rules.push('+ */');
    for (const raw of includes) { checkPattern(raw); rules.push(`+ ${toRsyncPattern(raw, ci)}`); }
    rules.push('- *');
  }
  return rules;
}
