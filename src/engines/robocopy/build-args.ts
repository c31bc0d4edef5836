import * as path from 'node:path';
import type { ChunkKind, Preserve } from '../../api';
import { assertNotSwitchLike, assertSafeArgument, normaliseDirArgument } from './arg-safety';
import { RobocopyArgumentError } from './errors';
import { bandwidthSwitches, DEFAULT_THREADS } from './bandwidth-switches';
import { checkUserSwitches, switchName } from './switch-policy';

/** Everything one robocopy invocation depends on. Plain data: the builder is pure. */
export interface RobocopyArgsInput {
  /** Profile name, used to name config keys in errors (`profiles.<name>.excludeFiles[0]`). */
  profile: string;
  source: string;
  destination: string;
  kind: ChunkKind;
  mirror: boolean;
  dryRun: boolean;
  excludeFiles: readonly string[];
  excludeDirs: readonly string[];
  /**
   * The profile's source root. Relative `excludeDirs` entries with a separator (`logs\old`) are
   * made absolute under it, because robocopy's /XD only matches names or full paths.
   */
  sourceRoot?: string;
  /** Robocopy's own per-file retries (/R) and wait between them (/W); 0 is respected. */
  engineRetries: number;
  engineWaitSeconds: number;
  /** This job's share of the bandwidth budget; undefined or 0 = unlimited. */
  bandwidthBytesPerSec?: number;
  /** Copy threads (/MT:n, `engineOptions.robocopy.threads`); default 8. */
  threads?: number;
  /** This robocopy has /IORATE (detected from `robocopy /?`): a budget keeps /MT. */
  hasIoRate?: boolean;
  /** Where robocopy writes this chunk's UTF-16 log (/UNILOG:, overwritten each attempt). */
  logPath: string;
  /** The profile's extra switches (`engineOptions.robocopy.switches`), checked by the allow-list. */
  userSwitches?: readonly unknown[];
  /** /IF: only files matching these names. */
  includeFiles?: readonly string[];
  /** /MAX:n, /MIN:n in bytes; /MAXAGE:, /MINAGE: as days or YYYYMMDD (robocopyAgeOf); /XA: letters. */
  maxSize?: number;
  minSize?: number;
  maxAge?: string;
  minAge?: string;
  excludeAttributes?: string;
  /** What to keep besides the data: /COPY and /DCOPY (absent: robocopy's defaults, /COPY:DAT /DCOPY:DA). */
  preserve?: Preserve;
  /**
   * A file-only attempt (CopyOptions.onlyFiles): names of files directly in the chunk's source
   * directory, given after source and destination (robocopyFileListProblem says which lists can be).
   */
  onlyFiles?: readonly string[];
}

const DAY_MS = 86_400_000;

/**
 * The robocopy form of an instant a profile's age resolved to: a date (YYYYMMDD) when it is a
 * local midnight (the profile gave a date), else whole days before `now` (robocopy counts from
 * its own start, moments later; the boundary moves by those moments at most).
 */
export function robocopyAgeOf(instantMs: number, now: number = Date.now()): string {
  const d = new Date(instantMs);
  if (d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0 && d.getMilliseconds() === 0) {
    return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
  }
  return String(Math.max(0, Math.round((now - instantMs) / DAY_MS)));
}

/**
 * `/COPY:` and `/DCOPY:` for `preserve`: data and mtimes always (D, T), attributes for modes (A),
 * NTFS security for ACLs (S), the owner for owners (O); directory times with directoryTimes.
 * Auditing (U) needs the "Manage auditing" right and is left to `switches`. A /COPY, /COPYALL,
 * /SEC or /NOCOPY among the profile's switches (or /DCOPY, /NODCOPY) replaces ours.
 */
export function preserveSwitches(p: Preserve, user: readonly string[]): string[] {
  const names = new Set(user.map((u) => switchName(u)));
  const out: string[] = [];
  if (!['COPY', 'COPYALL', 'SEC', 'NOCOPY'].some((n) => names.has(n))) {
    out.push(`/COPY:D${p.modes ? 'A' : ''}T${p.acls ? 'S' : ''}${p.owners ? 'O' : ''}`);
  }
  if (!names.has('DCOPY') && !names.has('NODCOPY')) out.push(`/DCOPY:D${p.modes ? 'A' : ''}${p.directoryTimes ? 'T' : ''}`);
  return out;
}

const ABSOLUTE_PATTERN = /^(?:[A-Za-z]:[\\/]|[\\/])/;

/**
 * Checks one name for robocopy's file list and returns it. robocopy reads the arguments after
 * source and destination as file specs matched at every level it visits: a wildcard would match
 * other files, a separator cannot be in a spec, and the usual argument safety applies.
 */
function fileNameArgument(name: string, key: string): string {
  assertSafeArgument(name, key);
  assertNotSwitchLike(name, key);
  if (/[*?]/.test(name)) throw new RobocopyArgumentError('ROBOCOPY_UNSAFE_ARGUMENT', name, key, 'contains a wildcard (* or ?), which robocopy would read as a pattern');
  if (/[\\/]/.test(name) || name === '' || name === '.' || name === '..') throw new RobocopyArgumentError('ROBOCOPY_UNSAFE_ARGUMENT', name, key, 'is not a name of a file in the chunk\'s own directory');
  return name;
}

/**
 * Why robocopy cannot be given `relPaths` as a file list (a retry of only the files an attempt
 * failed), or undefined. Only files directly in the chunk's directory: robocopy matches names
 * at every level it visits, so a file in a subdirectory could only be named by copying that
 * whole level again; such a retry copies the whole chunk instead (docs/engines.md).
 */
export function robocopyFileListProblem(relPaths: readonly string[]): string | undefined {
  for (const p of relPaths) {
    try { fileNameArgument(p, 'onlyFiles'); } catch (err) {
      return `robocopy can retry only files directly in the chunk's directory, given by names it can take (${(err as Error).message})`;
    }
  }
  return relPaths.length === 0 ? 'no files to retry' : undefined;
}

function checkCount(value: number, key: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RobocopyArgumentError('ROBOCOPY_INVALID_VALUE', String(value), key, 'must be a whole number >= 0');
  }
  return value;
}

function ageArgument(value: string, key: string): string {
  if (!/^\d{1,8}$/.test(value)) throw new RobocopyArgumentError('ROBOCOPY_INVALID_VALUE', value, key, 'must be days or a date as YYYYMMDD');
  return value;
}

function excludePatterns(patterns: readonly string[], key: string, absoluteUnder?: string): string[] {
  return patterns.flatMap((p, i) => {
    if (p.trim() === '') return [];
    assertSafeArgument(p, `${key}[${i}]`);
    assertNotSwitchLike(p, `${key}[${i}]`);
    // A trailing separator would escape the closing quote on a Windows command line.
    const stripped = p.replace(/[\\/]+$/, '') || p;
    if (absoluteUnder === undefined || ABSOLUTE_PATTERN.test(stripped) || !/[\\/]/.test(stripped)) return [stripped];
    const join = /^[A-Za-z]:|^\\\\/.test(absoluteUnder) ? path.win32.join : path.posix.join;
    return [join(absoluteUnder, stripped)];
  });
}

/**
 * The robocopy argv (without the executable) for one chunk. Pure and deterministic.
 *
 * - scope: `tree` → `/MIR` when mirroring, else `/E`; `files-only` → `/LEV:1` without `/E`, plus
 *   `/PURGE` when mirroring (extra files at that one level are removed; subdirectories belong
 *   to their own chunks — see docs/robocopy.md);
 * - `/XJD /XJF`: source junctions and symbolic links (directory and file) are neither followed
 *   nor copied: they loop, or lead out of the source. `/SL` and `/SJ` (copy links as links) are
 *   refused: robocopy cannot avoid following a link in the destination, so robocurse never puts
 *   one there; a link already at a chunk's destination is handled by the chunk-root guard
 *   before robocopy starts (docs/safety.md);
 * - `/R:n /W:n` from the retry policy; `/MT:n` threads, and under a bandwidth share `/IORATE`
 *   where robocopy has it, else `/IPG:n` without /MT (bandwidth-switches.ts); `/L` for dry runs;
 * - `/COPY:` and `/DCOPY:` from the profile's `preserve` (preserveSwitches);
 * - output shaped for robocurse: `/BYTES /FP /NDL /TEE /UNILOG:<log>`; the job header is kept
 *   (it splits appended logs and records the options for whoever reads the log);
 * - the profile's allowed switches, then `/XF` and `/XD` last (they take every following value).
 *
 * Throws RobocopyArgumentError for unsafe values, relative paths, and managed or unknown switches.
 */
export function buildRobocopyArgs(input: RobocopyArgsInput): string[] {
  const key = `profiles.${input.profile}`;
  const source = normaliseDirArgument(input.source, `${key}.source (chunk source)`);
  const destination = normaliseDirArgument(input.destination, `${key}.destination (chunk destination)`);
  assertSafeArgument(input.logPath, 'logPath');
  const retries = checkCount(input.engineRetries, `${key}.retry.engineRetries`);
  const wait = checkCount(input.engineWaitSeconds, `${key}.retry.engineWaitSeconds`);
  const userSwitches = checkUserSwitches(input.userSwitches ?? [], `${key}.engineOptions.robocopy.switches`);

  const args = [source, destination];
  if (input.onlyFiles) {
    // A file-only attempt: these files of the chunk's own directory, never a deletion (the
    // chunk's full attempt handled its extras), whatever `mirror` says.
    args.push(...input.onlyFiles.map((n, i) => fileNameArgument(n, `onlyFiles[${i}]`)), '/LEV:1');
  } else if (input.kind === 'files-only') args.push('/LEV:1', ...(input.mirror ? ['/PURGE'] : []));
  else args.push(input.mirror ? '/MIR' : '/E');
  args.push('/XJD', '/XJF', `/R:${retries}`, `/W:${wait}`);
  args.push(...bandwidthSwitches(input.threads ?? DEFAULT_THREADS, input.bandwidthBytesPerSec, input.hasIoRate ?? false, `${key}.engineOptions.robocopy.threads`).args);
  if (input.dryRun) args.push('/L');
  args.push('/BYTES', '/FP', '/NDL', '/TEE', `/UNILOG:${input.logPath}`);
  if (input.preserve) args.push(...preserveSwitches(input.preserve, userSwitches));
  args.push(...userSwitches);
  // Selection: robocopy's own switches (/IF, /MAX, /MIN, /MAXAGE, /MINAGE, /XA).
  if (input.maxSize !== undefined) args.push(`/MAX:${checkCount(input.maxSize, `${key}.maxSize`)}`);
  if (input.minSize !== undefined) args.push(`/MIN:${checkCount(input.minSize, `${key}.minSize`)}`);
  if (input.maxAge !== undefined) args.push(`/MAXAGE:${ageArgument(input.maxAge, `${key}.maxAge`)}`);
  if (input.minAge !== undefined) args.push(`/MINAGE:${ageArgument(input.minAge, `${key}.minAge`)}`);
  if (input.excludeAttributes) {
    if (!/^[RASHCNETO]+$/i.test(input.excludeAttributes)) throw new RobocopyArgumentError('ROBOCOPY_INVALID_VALUE', input.excludeAttributes, `${key}.excludeAttributes`, 'must be letters of RASHCNETO');
    args.push(`/XA:${input.excludeAttributes.toUpperCase()}`);
  }
  const files = excludePatterns(input.excludeFiles, `${key}.excludeFiles`);
  const dirs = excludePatterns(input.excludeDirs, `${key}.excludeDirs`, input.sourceRoot);
  // /IF adds file specs: in a file-only attempt it would add files the list does not name.
  const includes = input.onlyFiles ? [] : excludePatterns(input.includeFiles ?? [], `${key}.includeFiles`);
  // /IF, /XF and /XD take every value that follows them: each list ends where the next switch starts.
  if (includes.length > 0) args.push('/IF', ...includes);
  if (files.length > 0) args.push('/XF', ...files);
  if (dirs.length > 0) args.push('/XD', ...dirs);
  return args;
}
