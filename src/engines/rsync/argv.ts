import type { Chunk, CopyOptions } from '../../api';
import type { RsyncEngineOptions } from './engine-options';
import { hasControlChar, RsyncArgumentError } from './errors';
import { buildFilterRules, literalPattern } from './filter-rules';
import { refuseLinkFollowing } from './link-safety';
import { preserveFlags } from './preserve-flags';

/** What the argv is built from: the job's options without the runtime parts (logger). */
export type RsyncArgvOptions = Pick<CopyOptions, 'mirror' | 'dryRun' | 'excludeFiles' | 'excludeDirs' | 'caseInsensitive' | 'bandwidthBytesPerSec' | 'maxDeletes' | 'includeFiles' | 'preserve'>;

/** Where interrupted files wait for the next attempt (relative: one per destination directory). */
export const PARTIAL_DIR = '.robocurse-partial';

/** Per-file lines on stdout: 11-character itemize code, the size in bytes, the name (spaces between). */
export const OUT_FORMAT = '%i %l %n';

/**
 * rsync's `--bwlimit` value for a rate in bytes per second: KiB/s (rsync's default unit), rounded
 * down so the cap is never exceeded, but at least 1 because 0 would mean "unlimited".
 * undefined for no limit.
 */
export function bwlimitKiB(bytesPerSec: number | undefined): number | undefined {
  if (bytesPerSec === undefined || bytesPerSec === 0) return undefined;
  if (!Number.isFinite(bytesPerSec) || bytesPerSec < 0) {
    throw new RsyncArgumentError('RSYNC_BAD_OPTION', `bandwidthBytesPerSec must be a positive number, got ${bytesPerSec}`);
  }
  return Math.max(1, Math.floor(bytesPerSec / 1024));
}

/**
 * A path as an rsync operand naming a directory's contents: exactly one trailing '/' (so the
 * directory's contents, not the directory, are copied into the destination). A relative path
 * is prefixed with './' so that a leading '-' cannot read as an option and a ':' cannot read
 * as a remote host; `--` before the operands guards the same way a second time.
 */
export function dirOperand(p: string, role: 'source' | 'destination'): string {
  if (p === '' || hasControlChar(p)) {
    throw new RsyncArgumentError('RSYNC_UNSAFE_PATH', `${role} path ${p === '' ? 'is empty' : `contains a control character: ${JSON.stringify(p)}`}; rename it or exclude it`);
  }
  const base = p.replace(/\/+$/, '');
  const safe = base.startsWith('/') || base === '' ? base : `./${base}`;
  return `${safe}/`;
}

/** A path as an rsync operand naming the entry itself: no trailing '/', './' before a relative path. */
function entryOperand(p: string, role: 'source' | 'destination'): string {
  return dirOperand(p, role).replace(/\/$/, '');
}

/** The last component of a path, and the path of its parent. */
function splitLast(p: string): { parent: string; name: string } {
  const base = p.replace(/\/+$/, '');
  const i = base.lastIndexOf('/');
  return { parent: i <= 0 ? '/' : base.slice(0, i), name: base.slice(i + 1) };
}

/**
 * The source and destination operands. A chunk below the root is named as an entry of its
 * parent: `SRC/parent/name DST/parent/` (no trailing slash on the source). rsync then lstat()s
 * `name` itself on both sides instead of resolving it as a path: a source directory swapped for
 * a link is copied as a link (or skipped), never followed, and a link (or file) where the
 * destination directory belongs is replaced by a directory, never written through (rsync without
 * -K does that for every entry of the transfer). The parents above are checked by the chunk-root
 * guard just before rsync starts. The root chunk (relPath '') copies the contents of the roots
 * the admin chose (`SRC/ DST/`).
 */
export function chunkOperands(chunk: Chunk): { src: string; dst: string; top: string | undefined } {
  if (chunk.relPath === '') return { src: dirOperand(chunk.sourcePath, 'source'), dst: dirOperand(chunk.destinationPath, 'destination'), top: undefined };
  const s = splitLast(chunk.sourcePath);
  const d = splitLast(chunk.destinationPath);
  if (s.name === '' || s.name !== d.name) {
    throw new RsyncArgumentError('RSYNC_UNSAFE_PATH', `chunk ${chunk.id}: source ${JSON.stringify(chunk.sourcePath)} and destination ${JSON.stringify(chunk.destinationPath)} do not end in the same directory name`);
  }
  return { src: entryOperand(chunk.sourcePath, 'source'), dst: dirOperand(d.parent, 'destination'), top: s.name };
}

/**
 * The complete rsync argv (without the executable) for one chunk. Pure: the same chunk and
 * options always give the same array. Never a shell string: every element reaches rsync as is.
 *
 * Choices that are not obvious:
 * - `--no-human-readable`, `--8-bit-output` and LC_ALL=C (set by the job) keep numbers raw and
 *   names as UTF-8 so the parsers never depend on the locale;
 * - `--info=progress2,stats2` gives one cumulative byte counter for the whole transfer (live
 *   progress) and the statistics block (the result);
 * - no `--no-inc-recursive`: we read only cumulative bytes and the transfer count from progress2,
 *   which incremental recursion reports correctly, and incremental recursion starts copying
 *   before the whole chunk is listed and keeps rsync's memory flat on big chunks;
 * - `--delete` removes extras only inside the transfer (the chunk's source dir → its dest dir;
 *   never in the parent named as the target), and rsync never deletes receiver entries that an
 *   exclude rule hides; `--max-delete` is the profile's maxDeletes as resolved for this chunk;
 * - operands: see chunkOperands; -K, -L, -k and --copy-unsafe-links are refused (link-safety.ts);
 * - what is kept besides the data comes from `preserve` (preserve-flags.ts), the profile's
 *   `attributes` after it.
 */
export function buildRsyncArgv(chunk: Chunk, options: RsyncArgvOptions, engine: RsyncEngineOptions, scratchName?: string, selectionRules?: string, filesFrom?: string): string[] {
  const { src: chunkSrc, dst, top } = chunkOperands(chunk);
  // A file-only attempt (files-from.ts): the list names `<top>/<path>` below the chunk's parent,
  // so names in rsync's output start with the chunk directory's name as in a full attempt.
  const src = filesFrom === undefined || top === undefined ? chunkSrc : dirOperand(splitLast(chunk.sourcePath).parent, 'source');
  refuseLinkFollowing(engine.attributes);
  const argv: string[] = preserveFlags(options.preserve, engine.attributes);
  argv.push('--no-human-readable', '--8-bit-output', '--info=progress2,stats2', `--out-format=${OUT_FORMAT}`);
  if (options.dryRun) argv.push('--dry-run');
  const kib = bwlimitKiB(options.bandwidthBytesPerSec);
  if (kib !== undefined) argv.push(`--bwlimit=${kib}`);
  if (engine.timeoutSeconds > 0) argv.push(`--timeout=${engine.timeoutSeconds}`);
  // Local copies imply --whole-file, which discards partial files instead of resuming from
  // them; resuming therefore needs the delta algorithm switched back on.
  if (engine.resumePartial) argv.push(`--partial-dir=${PARTIAL_DIR}`, '--no-whole-file');
  if (filesFrom !== undefined) {
    if (hasControlChar(filesFrom)) throw new RsyncArgumentError('RSYNC_UNSAFE_PATH', `file list path contains a control character: ${JSON.stringify(filesFrom)}`);
    argv.push(`--files-from=${filesFrom}`);
  }
  // Never with a file list: a file-only attempt deletes nothing (the chunk's full attempt did).
  if (options.mirror && filesFrom === undefined) {
    argv.push('--delete');
    if (engine.deleteExcluded) argv.push('--delete-excluded');
    // rsync counts every deleted entry (a directory's contents included) and, at the limit,
    // deletes nothing more and exits 25; 0 means "delete nothing" since rsync 3.0.
    if (options.maxDeletes !== undefined) argv.push(`--max-delete=${options.maxDeletes}`);
  }
  if (scratchName) {
    // Temp files in a scratch directory of this job (same file system: renamed into place), not
    // beside their final names: a killed rsync's temps are then one recorded directory that the
    // next run removes whole, instead of `.name.XXXXXX` files no one can tell from a user's.
    // Before every other filter rule, so none can shadow it: --delete must not remove it while
    // rsync writes there. Its random name cannot occur in the source.
    // The scratch directory lies inside the chunk's destination directory: below `/<top>/` in the
    // transfer when the chunk is named as an entry of its parent (chunkOperands).
    const anchor = top === undefined ? '' : `/${literalPattern(top)}`;
    argv.push(`--temp-dir=${scratchDirPath(chunk, scratchName)}`, `--filter=P ${anchor}/${scratchName}/`);
  }
  // rsync appends its own rule for the partial dir after ours, where an include of ours (`+ pat/`)
  // could shadow it and let --delete remove the data we meant to resume from.
  if (engine.resumePartial) argv.push(`--filter=-p ${PARTIAL_DIR}/`);
  // The size and age filters' rules file is NUL-separated: a name may hold a newline.
  // The file list too: a name may hold a newline.
  if (selectionRules !== undefined || filesFrom !== undefined) argv.push('--from0');
  for (const rule of buildFilterRules(chunk, {
    excludeFiles: options.excludeFiles, excludeDirs: options.excludeDirs,
    caseInsensitive: options.caseInsensitive, deleteExcluded: options.mirror && engine.deleteExcluded, top,
    includeFiles: options.includeFiles, mergeFile: selectionRules,
  })) argv.push(`--filter=${rule}`);
  argv.push('--', src, dst);
  return argv;
}

/** Where a job's scratch directory lives: directly inside the chunk's destination directory. */
export function scratchDirPath(chunk: Chunk, scratchName: string): string {
  return `${chunk.destinationPath.replace(/\/+$/, '')}/${scratchName}`;
}
