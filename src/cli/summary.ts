import type { ProfileSummary, VerifySummary } from '../api';
import type { RunSummary } from '../orchestrator/types';
import { formatAverageRate, formatBytes, formatCount, formatDuration } from '../api/units';

function profileLines(p: ProfileSummary, dryRun: boolean): string[] {
  const copied = dryRun
    ? `would copy ${formatCount(p.filesCopied)} files, ${formatBytes(p.bytesCopied)}${p.extrasRemoved ? `, would remove ${formatCount(p.extrasRemoved)} extras` : ''}`
    : `${formatCount(p.filesCopied)} files, ${formatBytes(p.bytesCopied)} copied in ${formatDuration(p.durationMs)} (${formatAverageRate(p.bytesCopied, p.durationMs)})` +
      (p.extrasRemoved ? `, ${formatCount(p.extrasRemoved)} extras removed` : '');
  const lines = [
    `  ${p.profile}: ${p.result}${p.error ? ` (${p.error})` : ''}${p.refused ? ` (${p.refused})` : ''}${p.circuitBreaker ? ` (${p.circuitBreaker})` : ''}`,
    `    chunks ${p.chunksOk} ok, ${p.chunksWarning} warning, ${p.chunksFailed} failed${p.chunksSkipped ? `, ${p.chunksSkipped} already done` : ''} of ${p.chunksTotal}` +
      `; ${copied}; ${formatCount(p.filesSkipped)} unchanged` + (p.scanErrors ? `; ${p.scanErrors} scan errors` : ''),
  ];
  if (p.verify) lines.push(...verifyLines(p.verify));
  for (const f of p.failedChunks.slice(0, 10)) {
    lines.push(`    FAILED ${f.source} after ${f.retryCount} attempt(s), exit ${f.exitCode}: ${f.message}`);
    for (const e of f.errors.slice(0, 3)) lines.push(`      ${e.code} ${e.path}: ${e.message}`);
  }
  if (p.failedChunks.length > 10) lines.push(`    ... and ${p.failedChunks.length - 10} more failed chunks (see the session log)`);
  for (const w of (p.warningChunks ?? []).slice(0, 10)) lines.push(`    WARNING ${w.source}, exit ${w.exitCode}: ${w.message}`);
  if (p.chunksWarning > Math.min(10, p.warningChunks?.length ?? 0)) lines.push(`    ... and ${p.chunksWarning - Math.min(10, p.warningChunks?.length ?? 0)} more chunks with warnings (see the session log)`);
  lines.push(...failedFileLines(p));
  // What the replica lacks though it was asked for: a Warning an admin must see, not only the log.
  for (const r of (p.replicaProblems ?? []).slice(0, 5)) lines.push(`    NOT KEPT ${r}`);
  if ((p.replicaProblems?.length ?? 0) > 5) lines.push(`    ... and more not kept (see the session log)`);
  return lines;
}

/** Files still failing after their chunk's last attempt: the first ones listed, all counted. */
function failedFileLines(p: ProfileSummary): string[] {
  const total = p.failedFilesTotal ?? 0;
  if (total === 0) return [];
  const listed = p.failedFiles ?? [];
  const lines = [`    ${formatCount(total)} file(s) still failing after the last attempt${listed.some((f) => f.severity === 'Warning') ? ' (failedFilesSeverity "warning": listed, not failed)' : ''}:`];
  for (const f of listed) lines.push(`      ${f.severity === 'Warning' ? 'WARNING' : 'FAILED'} ${f.path}: ${f.error}`);
  if (total > listed.length) lines.push(`      ... and ${formatCount(total - listed.length)} more (robocurse history --failed-files)`);
  return lines;
}

/** What a profile's verification checked and the findings it lists (mismatches first). */
export function verifyLines(v: VerifySummary, indent = '    ', limit = 10): string[] {
  const lines = [`${indent}verify ${v.mode}: ${formatCount(v.filesChecked)} files checked, ${formatCount(v.filesHashed)} hashed (${formatBytes(v.bytesHashed)} read); ` +
    `${formatCount(v.mismatches)} mismatch(es), ${formatCount(v.changedInSource)} changed in the source`];
  for (const f of v.listed.slice(0, limit)) lines.push(`${indent}  ${f.kind === 'changed-in-source' ? 'CHANGED IN SOURCE' : `MISMATCH (${f.kind})`} ${f.path}: ${f.detail}`);
  const more = v.mismatches + v.changedInSource - Math.min(limit, v.listed.length);
  if (more > 0) lines.push(`${indent}  ... and ${formatCount(more)} more (VerifyMismatch events, session log)`);
  return lines;
}

/** The end-of-run summary printed by `robocurse run`. */
export function renderRunSummary(s: RunSummary, exitCode: number, logFile?: string, filesLog?: string): string {
  const lines = [`robocurse session ${s.sessionId}${s.dryRun ? ' (dry run: nothing was written)' : ''}: ${s.outcome} in ${formatDuration(s.durationMs)} (exit code ${exitCode})`];
  for (const p of s.profiles) lines.push(...profileLines(p, s.dryRun));
  if (logFile) lines.push(`  log: ${logFile}`);
  if (filesLog) lines.push(`  files: ${filesLog}`);
  return `${lines.join('\n')}\n`;
}
