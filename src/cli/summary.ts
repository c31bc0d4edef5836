import type { ProfileSummary } from '../api';
import type { RunSummary } from '../orchestrator/types';
import { formatAverageRate, formatBytes, formatCount, formatDuration } from '../api/units';

function profileLines(p: ProfileSummary, dryRun: boolean): string[] {
  const copied = dryRun
    ? `would copy ${formatCount(p.filesCopied)} files, ${formatBytes(p.bytesCopied)}${p.extrasRemoved ? `, would remove ${formatCount(p.extrasRemoved)} extras` : ''}`
    : `${formatCount(p.filesCopied)} files, ${formatBytes(p.bytesCopied)} copied in ${formatDuration(p.durationMs)} (${formatAverageRate(p.bytesCopied, p.durationMs)})` +
      (p.extrasRemoved ? `, ${formatCount(p.extrasRemoved)} extras removed` : '');
  const lines = [
    `  ${p.profile}: ${p.result}${p.error ? ` (${p.error})` : ''}${p.refused ? ` (${p.refused})` : ''}`,
    `    chunks ${p.chunksOk} ok, ${p.chunksWarning} warning, ${p.chunksFailed} failed${p.chunksSkipped ? `, ${p.chunksSkipped} already done` : ''} of ${p.chunksTotal}` +
      `; ${copied}; ${formatCount(p.filesSkipped)} unchanged` + (p.scanErrors ? `; ${p.scanErrors} scan errors` : ''),
  ];
  for (const f of p.failedChunks.slice(0, 10)) {
    lines.push(`    FAILED ${f.source} after ${f.retryCount} attempt(s), exit ${f.exitCode}: ${f.message}`);
    for (const e of f.errors.slice(0, 3)) lines.push(`      ${e.code} ${e.path}: ${e.message}`);
  }
  if (p.failedChunks.length > 10) lines.push(`    ... and ${p.failedChunks.length - 10} more failed chunks (see the session log)`);
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
