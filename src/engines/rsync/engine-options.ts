import { hasControlChar, RsyncArgumentError } from './errors';
import { RSYNC_OPTIONS_SCHEMA } from './options-schema';

/** Former rsync options that the profile's `preserve` now decides for every engine. */
export const MOVED_TO_PRESERVE: Readonly<Record<string, string>> = { hardLinks: 'hardLinks', acls: 'acls', xattrs: 'xattrs' };

/** `engineOptions.rsync` of a profile, with defaults filled in. */
export interface RsyncEngineOptions {
  /** rsync binary, a name looked up on PATH or an absolute path (default 'rsync'). */
  executable: string;
  /**
   * Extra switches from the allow-list, added after those the profile's `preserve` gives (which
   * decides owners, links, hard links, ACLs, xattrs, sparse files, ...: preserve-flags.ts).
   */
  attributes: string[];
  /** With mirror, also delete destination entries that the excludes hide (`--delete-excluded`). */
  deleteExcluded: boolean;
  /**
   * Keep interrupted files in `.robocurse-partial` and resume them with the delta algorithm
   * (`--partial-dir` plus `--no-whole-file`). Off by default; see docs/rsync.md.
   */
  resumePartial: boolean;
  /** `--timeout`: seconds without I/O before rsync gives up (0 = never). */
  timeoutSeconds: number;
  /** Run rsync through robocurse-confine where the kernel allows (confine.ts; default true). */
  confine: boolean;
}

/**
 * Short attribute flags a profile may pass. Anything that changes what is deleted, where files
 * go or how rsync talks to the world (--delete*, --remove-source-files, -e, --rsync-path, ...) is
 * left out: those belong to the engine, not to a profile.
 */
const SHORT_FLAGS = new Set('arlptgoDHAXEUNScWxOJ'.split(''));
const LONG_FLAGS = new Set([
  '--archive', '--recursive', '--links', '--perms', '--times', '--group', '--owner', '--devices',
  '--specials', '--hard-links', '--acls', '--xattrs', '--executability', '--atimes', '--crtimes',
  '--sparse', '--checksum', '--whole-file', '--no-whole-file', '--safe-links', '--one-file-system', '--omit-dir-times',
  '--omit-link-times', '--numeric-ids', '--fake-super', '--super', '--no-perms', '--no-owner',
  '--no-group', '--no-times', '--no-devices', '--no-specials', '--open-noatime', '--preallocate',
]);

/**
 * Switches that make rsync follow symbolic links (rsync(1)): on the sending side they copy what a
 * link points to, which can be outside the source (`/etc/shadow` through a link in a user's
 * folder); on the receiving side `--keep-dirlinks` writes through a link in the destination to
 * wherever it points. Both break robocurse's promise that nothing outside the source is read
 * and nothing outside the destination is written, so they are refused by name, with the reason.
 */
const LINK_FOLLOWING: Readonly<Record<string, string>> = {
  '-L': '--copy-links', '--copy-links': '--copy-links',
  '-k': '--copy-dirlinks', '--copy-dirlinks': '--copy-dirlinks',
  '-K': '--keep-dirlinks', '--keep-dirlinks': '--keep-dirlinks',
  '--copy-unsafe-links': '--copy-unsafe-links',
};

function linkFollowing(arg: string): string | undefined {
  if (LINK_FOLLOWING[arg]) return LINK_FOLLOWING[arg];
  if (/^-[A-Za-z]+$/.test(arg)) {
    const letter = [...arg.slice(1)].find((c) => LINK_FOLLOWING[`-${c}`]);
    return letter ? `-${letter} (${LINK_FOLLOWING[`-${letter}`]})` : undefined;
  }
  // Long options may be abbreviated (rsync accepts any unambiguous prefix) or given a value.
  const name = arg.split('=')[0];
  return name.length > 6 ? Object.values(LINK_FOLLOWING).find((l) => l.startsWith(name)) : undefined;
}
const VALUED_FLAGS = /^--modify-window=-?\d+$/;

function bad(field: string, message: string): RsyncArgumentError {
  return new RsyncArgumentError('RSYNC_BAD_OPTION', `engineOptions.rsync.${field}: ${message}`, field || undefined);
}

function checkAttribute(arg: string): void {
  const follows = linkFollowing(arg);
  if (follows) {
    throw bad('attributes', `'${arg}' makes rsync follow symbolic links (${follows}), which could read outside the source or write outside the destination; robocurse copies links as links`);
  }
  if (/^-[A-Za-z]+$/.test(arg)) {
    const badLetters = [...arg.slice(1)].filter((c) => !SHORT_FLAGS.has(c));
    if (badLetters.length === 0) return;
    throw bad('attributes', `'${arg}' holds flags that are not attribute switches: ${badLetters.join(', ')} (allowed: -${[...SHORT_FLAGS].join('')})`);
  }
  if (LONG_FLAGS.has(arg) || VALUED_FLAGS.test(arg)) return;
  throw bad('attributes', `'${arg}' is not an allowed attribute switch (see docs/rsync.md for the list)`);
}

function bool(raw: Record<string, unknown>, field: string): boolean {
  const v = raw[field];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw bad(field, `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Reads and checks `engineOptions.rsync` (the profile's options keyed by engine name). Throws
 * RsyncArgumentError naming the field for anything it cannot use, so a typo is not silently
 * ignored. `attributes` is a string ('-rlptD', '-a --numeric-ids') or a list of switches.
 */
export function readRsyncEngineOptions(engineOptions: Record<string, unknown>, defaultExecutable = 'rsync'): RsyncEngineOptions {
  const rawAny = engineOptions.rsync ?? {};
  if (typeof rawAny !== 'object' || rawAny === null || Array.isArray(rawAny)) throw bad('', 'must be an object');
  const raw = rawAny as Record<string, unknown>;

  let executable = defaultExecutable;
  if (raw.executable !== undefined) {
    if (typeof raw.executable !== 'string' || raw.executable.trim() === '') throw bad('executable', 'must be a non-empty string');
    if (hasControlChar(raw.executable)) throw bad('executable', `contains a control character: ${JSON.stringify(raw.executable)}`);
    executable = raw.executable;
  }

  let attributes: string[] = [];
  if (raw.attributes !== undefined) {
    if (typeof raw.attributes === 'string') attributes = raw.attributes.split(/\s+/).filter((s) => s !== '');
    else if (Array.isArray(raw.attributes) && raw.attributes.every((a) => typeof a === 'string')) attributes = [...raw.attributes as string[]];
    else throw bad('attributes', 'must be a string or a list of strings');
    if (attributes.length === 0) throw bad('attributes', 'must name at least one switch');
    attributes.forEach(checkAttribute);
  }

  let timeoutSeconds = 0;
  if (raw.timeoutSeconds !== undefined) {
    const t = raw.timeoutSeconds;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0) throw bad('timeoutSeconds', 'must be a whole number of seconds, 0 or more');
    timeoutSeconds = t;
  }

  const known = Object.keys(RSYNC_OPTIONS_SCHEMA.properties);
  const unknown = Object.keys(raw).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    const moved = MOVED_TO_PRESERVE[unknown[0]];
    throw bad(unknown[0], moved ? `moved to the profile's preserve.${moved} (shared by every engine)` : `unknown option (known: ${known.join(', ')})`);
  }

  return {
    executable, attributes, timeoutSeconds,
    deleteExcluded: bool(raw, 'deleteExcluded'), resumePartial: bool(raw, 'resumePartial'),
    confine: raw.confine === undefined ? true : bool(raw, 'confine'),
  };
}
