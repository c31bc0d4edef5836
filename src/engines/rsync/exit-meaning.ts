import type { ExitMeaning, Severity } from '../../api';

/** One row of rsync's exit table as robocurse rates it. */
export interface RsyncExitRow {
  code: number;
  /** rsync's own description (man rsync, EXIT VALUES). */
  meaning: string;
  severity: Severity;
  shouldRetry: boolean;
}

/**
 * Every exit value rsync documents, rated for a scheduler that retries a chunk at most a few
 * times (rationale per row in docs/rsync.md):
 * - usage, protocol and feature errors (1, 2, 4, 6, 13) and failures to select the transfer's
 *   files (3) repeat identically: Fatal, no retry;
 * - partial transfers from I/O errors (23) and network, I/O, IPC, memory and timeout failures
 *   could pass next time: Error, retry;
 * - vanished source files (24) mean the source changed under us: the rest was copied, a retry
 *   would only find them gone again: Warning;
 * - the --max-delete brake (25) held deletions back: robocurse passes it only as the profile's
 *   maxDeletes, so the mirror is incomplete on purpose and another attempt would want the same
 *   deletions: Error, no retry (the job names the limit; see delete-limit.ts).
 */
export const RSYNC_EXIT_TABLE: readonly RsyncExitRow[] = [
  { code: 0, meaning: 'success', severity: 'Success', shouldRetry: false },
  { code: 1, meaning: 'syntax or usage error', severity: 'Fatal', shouldRetry: false },
  { code: 2, meaning: 'protocol incompatibility', severity: 'Fatal', shouldRetry: false },
  { code: 3, meaning: 'errors selecting input/output files or directories', severity: 'Fatal', shouldRetry: false },
  { code: 4, meaning: 'requested action not supported (an option this rsync or file system lacks)', severity: 'Fatal', shouldRetry: false },
  { code: 5, meaning: 'error starting client-server protocol', severity: 'Error', shouldRetry: true },
  { code: 6, meaning: 'daemon unable to append to its log file', severity: 'Fatal', shouldRetry: false },
  { code: 10, meaning: 'error in socket I/O', severity: 'Error', shouldRetry: true },
  { code: 11, meaning: 'error in file I/O', severity: 'Error', shouldRetry: true },
  { code: 12, meaning: 'error in the rsync protocol data stream', severity: 'Error', shouldRetry: true },
  { code: 13, meaning: 'errors with program diagnostics', severity: 'Fatal', shouldRetry: false },
  { code: 14, meaning: 'error in IPC code', severity: 'Error', shouldRetry: true },
  { code: 15, meaning: 'sibling process crashed', severity: 'Error', shouldRetry: true },
  { code: 16, meaning: 'sibling process terminated abnormally', severity: 'Error', shouldRetry: true },
  { code: 19, meaning: 'received SIGUSR1', severity: 'Error', shouldRetry: true },
  { code: 20, meaning: 'received SIGINT, SIGTERM or SIGHUP', severity: 'Error', shouldRetry: true },
  { code: 21, meaning: 'some error returned by waitpid()', severity: 'Error', shouldRetry: true },
  { code: 22, meaning: 'error allocating core memory buffers', severity: 'Error', shouldRetry: true },
  { code: 23, meaning: 'partial transfer due to error (some files or attributes were not transferred)', severity: 'Error', shouldRetry: true },
  { code: 24, meaning: 'partial transfer due to vanished source files', severity: 'Warning', shouldRetry: false },
  { code: 25, meaning: 'the --max-delete limit stopped deletions (maxDeletes)', severity: 'Error', shouldRetry: false },
  { code: 30, meaning: 'timeout in data send/receive', severity: 'Error', shouldRetry: true },
  { code: 35, meaning: 'timeout waiting for daemon connection', severity: 'Error', shouldRetry: true },
];

const BY_CODE = new Map(RSYNC_EXIT_TABLE.map((r) => [r.code, r]));

/**
 * Translates how rsync ended into an ExitMeaning. `code` null with a signal is a death by
 * signal (our own kill, the OOM killer, an admin): retryable, since nothing about the data says
 * the next attempt must fail. A code rsync never documents is Fatal: nothing can be concluded
 * from it, and retrying blind could repeat whatever produced it (a wrapper script, a wrong
 * binary).
 */
export function rsyncExitMeaning(code: number | null, signal?: NodeJS.Signals | string | null): ExitMeaning {
  if (code === null) {
    return { severity: 'Error', shouldRetry: true, message: `rsync was terminated by signal ${signal ?? 'unknown'}; the copy did not finish` };
  }
  const row = BY_CODE.get(code);
  if (!row) {
    return { severity: 'Fatal', shouldRetry: false, message: `rsync exit code ${code}: not a documented rsync exit code` };
  }
  return { severity: row.severity, shouldRetry: row.shouldRetry, message: `rsync exit code ${code}: ${row.meaning}` };
}
