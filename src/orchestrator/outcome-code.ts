import type { SessionOutcome } from '../api';

/**
 * The status number a session is recorded with next to its outcome: SessionEnd.exitCode, the
 * runs table, the SIEM record, the email report and the metrics. It equals the exit code the CLI
 * gives for that outcome (src/cli/exit-codes.ts decides that one; a unit test keeps the two in
 * step), so a record says what cron saw. The core itself never exits and never reads this.
 */
const OUTCOME_CODES: Readonly<Record<SessionOutcome, number>> = { Success: 0, Warning: 0, Failed: 1, Stopped: 3, Error: 4 };

export function outcomeCode(outcome: SessionOutcome): number {
  return OUTCOME_CODES[outcome];
}
