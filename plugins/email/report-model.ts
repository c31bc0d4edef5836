import type { ProfileSummary, RunEventPayloads, SessionOutcome } from '../../src/plugin';

/** What SessionStart told about the run, when the notifier saw it. */
export interface RunOrigin {
  host: string;
  user: string;
  version: string;
  dryRun: boolean;
  startedAt: string;
}

/** One line of the failure list: a failed chunk, or one file that failed inside it. */
export interface FailureRow {
  profile: string;
  chunkId: string;
  source: string;
  exitCode: number;
  retryCount: number;
  /** The file, for a per-file row; absent on the chunk's own row. */
  path?: string;
  code?: string;
  message: string;
}

/** Everything a completion report shows, computed once for the subject, bodies and attachment. */
export interface RunReport {
  sessionId: string;
  outcome: SessionOutcome;
  exitCode: number;
  durationMs: number;
  filesCopied: number;
  bytesCopied: number;
  chunksFailed: number;
  endedAt: string;
  origin?: RunOrigin;
  /** This machine, when SessionStart was not seen. */
  host: string;
  profiles: ProfileSummary[];
  failures: FailureRow[];
  /** Warning events of the run (snapshot fallbacks, ...), as they came. */
  warnings: RunWarning[];
}

/** A Warning event's payload. */
export type RunWarning = RunEventPayloads['Warning'];

/** Failed chunks, each followed by the per-file errors of its last attempt. */
export function failureRows(profiles: ProfileSummary[]): FailureRow[] {
  return profiles.flatMap((p) => p.failedChunks.flatMap((c) => {
    const base = { profile: p.profile, chunkId: c.chunkId, source: c.source, exitCode: c.exitCode, retryCount: c.retryCount };
    return [{ ...base, message: c.message }, ...c.errors.map((e) => ({ ...base, path: e.path, code: e.code, message: e.message }))];
  }));
}

export function buildReport(sessionId: string, endedAt: string, end: RunEventPayloads['SessionEnd'], host: string, origin?: RunOrigin, warnings: RunWarning[] = []): RunReport {
  return {
    sessionId, endedAt, origin, host: origin?.host ?? host,
    outcome: end.outcome, exitCode: end.exitCode, durationMs: end.durationMs, filesCopied: end.filesCopied,
    bytesCopied: end.bytesCopied, chunksFailed: end.chunksFailed, profiles: end.profiles, failures: failureRows(end.profiles), warnings,
  };
}

/** Whether `when` asks for a report on this outcome. */
export function wantsReport(when: 'always' | 'failure' | 'warningOrFailure', outcome: SessionOutcome): boolean {
  if (when === 'always') return true;
  if (when === 'failure') return outcome === 'Failed' || outcome === 'Error';
  return outcome !== 'Success';
}

const oneLine = (s: string): string => s.replace(/[\r\n\t]+/g, ' ').trim();

/**
 * `[robocurse] Failed: docs, media on host1`. Profile names come from the config and host names
 * from the OS; both are folded to one line so they can never add a header.
 */
export function subjectOf(prefix: string, r: RunReport): string {
  const names = r.profiles.map((p) => oneLine(p.profile));
  const shown = names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
  return oneLine(`${prefix} ${r.outcome}: ${shown || 'no profiles'} on ${oneLine(r.host)}${r.origin?.dryRun ? ' (dry run)' : ''}`);
}
