/**
 * The one table of process exit codes. Only the CLI decides exit codes, and only through this.
 * Documented in README.md ("Exit codes"); test/unit/cli/exit-codes.spec.ts keeps them in step.
 */
export const EXIT = {
  /** Every selected profile finished; chunks may have warnings (e.g. robocopy mismatches). */
  Success: 0,
  /** The run finished, but at least one chunk failed after all its attempts, or a mirror rail refused a profile. */
  FailedChunks: 1,
  /** Bad command line or config: nothing was run. */
  UsageOrConfig: 2,
  /** Stopped by the user (Ctrl-C, `stop` command) before the run finished. */
  Stopped: 3,
  /** The run could not go on: an unexpected error, a snapshot that could not be made, a lock held. */
  Fatal: 4,
  /** `status --check`: a run in progress stopped reporting, the last success is too old, or no run is recorded. */
  Stale: 5,
  /** `status --check`: the profile is locked by a live process that is not a healthy run (with `--idle`: by any). */
  Locked: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Session outcome → exit code. */
export function exitCodeForOutcome(outcome: 'Success' | 'Warning' | 'Failed' | 'Stopped' | 'Error'): ExitCode {
  switch (outcome) {
    case 'Success': case 'Warning': return EXIT.Success;
    case 'Failed': return EXIT.FailedChunks;
    case 'Stopped': return EXIT.Stopped;
    case 'Error': return EXIT.Fatal;
  }
}
