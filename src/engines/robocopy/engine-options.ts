import type { MismatchSeverity } from '../exit-meaning';

/** What the robocopy engine reads from a profile's `engineOptions`. */
export interface RobocopyEngineOptions {
  /** robocopy.exe to run, an absolute path (default: env ROBOCURSE_ROBOCOPY, else %SystemRoot%\System32\Robocopy.exe). */
  executable?: string;
  /** Extra switches, checked against the allow-list (see switch-policy.ts). */
  switches?: unknown[];
  /** Overrides the profile's retry.engineRetries (/R). */
  engineRetries?: number;
  /** Overrides the profile's retry.engineWaitSeconds (/W). */
  engineWaitSeconds?: number;
  /** OEM code page of robocopy's console output and of logs that are not UTF-16/UTF-8. */
  codePage?: number | string;
  /** Severity of exit bit 4 (mismatches). */
  mismatchSeverity?: MismatchSeverity;
  /** Copy threads per job (/MT:n), 1-128; default 8. */
  threads?: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * Reads the robocopy options from `CopyOptions.engineOptions`, which may be the profile's whole
 * map keyed by engine (`{ robocopy: {...} }`) or the robocopy entry itself. A `retry` entry (the
 * profile's RetryPolicy) supplies /R and /W unless the robocopy entry overrides them.
 */
export function readRobocopyEngineOptions(engineOptions: Record<string, unknown> | undefined): RobocopyEngineOptions {
  const all = engineOptions ?? {};
  const own = isRecord(all.robocopy) ? all.robocopy : all;
  const retry = isRecord(all.retry) ? all.retry : isRecord(own.retry) ? own.retry : {};
  const sev = own.mismatchSeverity;
  return {
    executable: typeof own.executable === 'string' && own.executable !== '' ? own.executable : undefined,
    switches: Array.isArray(own.switches) ? own.switches : undefined,
    engineRetries: num(own.engineRetries) ?? num(retry.engineRetries),
    engineWaitSeconds: num(own.engineWaitSeconds) ?? num(retry.engineWaitSeconds),
    codePage: typeof own.codePage === 'number' || typeof own.codePage === 'string' ? own.codePage : undefined,
    mismatchSeverity: sev === 'Warning' || sev === 'Error' || sev === 'Success' ? sev : undefined,
    threads: num(own.threads),
  };
}
