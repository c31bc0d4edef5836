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
  /** `Warning`: a file still failing in a chunk that ended with warnings (failedFilesSeverity "warning"). */
  severity?: 'Error' | 'Warning';
}

/** A FileFailed event's payload: one file still failing after its chunk's last attempt. */
export type FailedFileEvent = RunEventPayloads['FileFailed'];

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
  /** Rows that are one file each (the CSV is attached whenever there is one). */
  fileRows: number;
}

/** A Warning event's payload. */
export type RunWarning = RunEventPayloads['Warning'];

/** `CODE: message` as the engines report a file's failure, split (a message without a code keeps it whole). */
function splitError(error: string): { code?: string; message: string } {
  const m = /^([A-Z0-9_]+): (.*)$/s.exec(error);
  return m ? { code: m[1], message: m[2] } : { message: error };
}

/**
 * Failed chunks, each followed by its files still failing: every one from the FileFailed events
 * (the chunk's summary keeps only a few), else the per-file errors its summary has; then the
 * files of chunks that ended with warnings because of them (failedFilesSeverity "warning").
 */
export function failureRows(profiles: ProfileSummary[], failedFiles: readonly FailedFileEvent[] = []): FailureRow[] {
  const byChunk = new Map<string, FailedFileEvent[]>();
  for (const f of failedFiles) byChunk.set(`${f.profile}\u0000${f.chunkId}`, [...(byChunk.get(`${f.profile}\u0000${f.chunkId}`) ?? []), f]);
  const rows = profiles.flatMap((p) => p.failedChunks.flatMap((c) => {
    const base = { profile: p.profile, chunkId: c.chunkId, source: c.source, exitCode: c.exitCode, retryCount: c.retryCount };
    const key = `${p.profile}\u0000${c.chunkId}`;
    const files = byChunk.get(key);
    byChunk.delete(key);
    const fileRows = files
      ? files.map((f) => ({ ...base, path: f.path, ...splitError(f.error), severity: f.severity }))
      : c.errors.map((e) => ({ ...base, path: e.path, code: e.code, message: e.message }));
    return [{ ...base, message: c.message }, ...fileRows];
  }));
  for (const files of byChunk.values()) {
    const f0 = files[0];
    const chunk = profiles.find((p) => p.profile === f0.profile)?.warningChunks?.find((w) => w.chunkId === f0.chunkId);
    for (const f of files) {
      rows.push({ profile: f.profile, chunkId: f.chunkId, source: chunk?.source ?? f.source, exitCode: chunk?.exitCode ?? 0, retryCount: f.attempts, path: f.path, ...splitError(f.error), severity: f.severity });
    }
  }
  return rows;
}

export function buildReport(sessionId: string, endedAt: string, end: RunEventPayloads['SessionEnd'], host: string, origin?: RunOrigin, warnings: RunWarning[] = [], failedFiles: readonly FailedFileEvent[] = []): RunReport {
  const failures = failureRows(end.profiles, failedFiles);
  return {
    sessionId, endedAt, origin, host: origin?.host ?? host,
    outcome: end.outcome, exitCode: end.exitCode, durationMs: end.durationMs, filesCopied: end.filesCopied,
    bytesCopied: end.bytesCopied, chunksFailed: end.chunksFailed, profiles: end.profiles, failures, warnings,
    fileRows: failures.filter((f) => f.path !== undefined).length,
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
