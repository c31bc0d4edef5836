import type { ExitMeaning, Severity } from '../api';

/** How robocopy's "mismatched files or directories" bit (4) is rated. */
export type MismatchSeverity = 'Warning' | 'Error' | 'Success';

export interface RobocopyExitOptions {
  /** Severity of bit 4 (mismatches) when no worse bit is set; default 'Warning'. */
  mismatchSeverity?: MismatchSeverity;
}

/**
 * Robocopy's exit bitmap, also used by the native and simulated engines so that every engine
 * whose outcome is "a set of conditions" speaks one language:
 *
 * | bit | meaning                                           | severity            |
 * |-----|---------------------------------------------------|---------------------|
 * |   0 | nothing copied, nothing failed (already in sync)  | Success             |
 * |   1 | files were copied                                 | Success             |
 * |   2 | extra files/dirs in the destination (or removed)  | Success             |
 * |   4 | mismatched files/dirs                             | Warning (configurable) |
 * |   8 | some files/dirs could not be copied               | Error, retry        |
 * |  16 | serious error, nothing copied (fatal)             | Fatal, no retry     |
 */
const BITS: ReadonlyArray<readonly [number, string]> = [
  [1, 'files were copied'],
  [2, 'extra files or directories were detected in the destination'],
  [4, 'mismatched files or directories were detected'],
  [8, 'some files or directories could not be copied'],
  [16, 'a serious error occurred (usage error, or the source or destination could not be accessed)'],
];

/**
 * Translates a robocopy-style exit code into an ExitMeaning. The worst set bit decides the
 * severity; the message names every set bit so an admin reading one line sees all conditions.
 * Negative codes (never ran, killed by a signal) are a retryable Error; codes robocopy never
 * returns (above 31, non-integers) are Fatal because nothing can be concluded from them.
 */
export function robocopyExitMeaning(code: number, opts: RobocopyExitOptions = {}): ExitMeaning {
  if (!Number.isInteger(code) || code > 31) {
    return { severity: 'Fatal', shouldRetry: false, message: `exit code ${code}: not a robocopy exit code` };
  }
  if (code < 0) {
    return { severity: 'Error', shouldRetry: true, message: `exit code ${code}: the copy did not finish (killed or never started)` };
  }
  if (code === 0) {
    return { severity: 'Success', shouldRetry: false, message: 'exit code 0: no files were copied, no failure (source and destination in sync)' };
  }
  const parts = BITS.filter(([bit]) => (code & bit) !== 0).map(([, text]) => text);
  const message = `exit code ${code}: ${parts.join('; ')}`;
  if (code & 16) return { severity: 'Fatal', shouldRetry: false, message };
  if (code & 8) return { severity: 'Error', shouldRetry: true, message };
  if (code & 4) {
    const severity: Severity = opts.mismatchSeverity ?? 'Warning';
    return { severity, shouldRetry: false, message };
  }
  return { severity: 'Success', shouldRetry: false, message };
}

/** Exit code every engine reports for a job ended by kill() (the process, if any, died by a signal). */
export const KILLED_EXIT_CODE = -1;

/**
 * The meaning of a job ended by kill(): an Error worth retrying, since nothing about the data
 * was wrong. The orchestrator tells a stop from a failure by CopyResult.killed, not by this.
 */
export function killedExitMeaning(): ExitMeaning {
  return { severity: 'Error', shouldRetry: true, message: 'the copy was killed before it finished' };
}
