import type { ExitMeaning, FileError } from '../../api';
import { displayName } from '../../fs/byte-names';
import { robocopyExitMeaning, type MismatchSeverity } from '../exit-meaning';

/**
 * The native engine's exit code: a robocopy-style bitmap, so one table rates every engine.
 *
 * | bit | native meaning                                                   | severity          |
 * |-----|------------------------------------------------------------------|-------------------|
 * |   0 | nothing to copy: destination already up to date                 | Success           |
 * |   1 | files were copied (or would be, in a dry run)                    | Success           |
 * |   2 | extras in the destination: removed (mirror) or present           | Success           |
 * |   4 | entries not copied on purpose (links, specials the profile does not keep, or cannot be made), or attributes not kept | Warning (option) |
 * |   8 | some files or directories failed (EACCES, ENOENT, ENOSPC, ...)   | Error, retry      |
 * |  16 | fatal: source root missing/unreadable, destination root unusable | Fatal, no retry   |
 */
export const NATIVE_BITS = { copied: 1, extras: 2, skippedEntries: 4, failed: 8, fatal: 16 } as const;

export interface NativeOutcome {
  filesCopied: number;
  extras: number;
  extrasRemoved: number;
  skippedEntries: number;
  /** Owners, extended attributes or ACLs that copied entries did not get (a destination that lacks them). */
  notKept?: number;
  failures: number;
  fatal: boolean;
  dryRun: boolean;
}

export function nativeExitCode(o: NativeOutcome): number {
  let code = 0;
  if (o.filesCopied > 0) code |= NATIVE_BITS.copied;
  if (o.extras > 0 || o.extrasRemoved > 0) code |= NATIVE_BITS.extras;
  if (o.skippedEntries > 0 || (o.notKept ?? 0) > 0) code |= NATIVE_BITS.skippedEntries;
  if (o.failures > 0) code |= NATIVE_BITS.failed;
  if (o.fatal) code |= NATIVE_BITS.fatal;
  return code;
}

/** How many failing paths the message names; the full list is in the result's errors. */
const NAMED_FAILURES = 3;

/**
 * Severity from the robocopy table; message in the native engine's own words, with counts and
 * the first failing paths (so `status` and history, which keep the message, say which file).
 */
export function nativeExitMeaning(code: number, o: NativeOutcome, skippedSeverity?: MismatchSeverity, errors: readonly FileError[] = []): ExitMeaning {
  const { severity, shouldRetry } = robocopyExitMeaning(code, { mismatchSeverity: skippedSeverity });
  const would = o.dryRun ? 'would be ' : '';
  const parts: string[] = [];
  if (code & NATIVE_BITS.fatal) parts.push('fatal error: the chunk could not be copied');
  if (code & NATIVE_BITS.failed) {
    const named = errors.slice(0, NAMED_FAILURES).map((e) => `${displayName(e.path)} (${e.code})`);
    const more = o.failures > named.length && named.length > 0 ? ', ...' : '';
    parts.push(`${o.failures} file(s) or directories failed${named.length ? `: ${named.join(', ')}${more}` : ''}`);
  }
  if (code & NATIVE_BITS.copied) parts.push(`${o.filesCopied} file(s) ${would}copied`);
  if (code & NATIVE_BITS.extras) {
    parts.push(o.extrasRemoved > 0 ? `${o.extrasRemoved} extra entr(ies) ${would}removed from the destination` : `${o.extras} extra entr(ies) present in the destination`);
  }
  if ((code & NATIVE_BITS.skippedEntries) && o.skippedEntries > 0) parts.push(`${o.skippedEntries} symbolic link(s) or special file(s) skipped (not copied)`);
  if ((code & NATIVE_BITS.skippedEntries) && (o.notKept ?? 0) > 0) parts.push(`${o.notKept} attribute(s) not kept (see the log)`);
  if (code === 0) parts.push('nothing to copy, destination up to date');
  return { severity, shouldRetry, message: `exit code ${code}: ${parts.join('; ')}` };
}
