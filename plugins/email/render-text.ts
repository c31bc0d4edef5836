import { formatBytes, formatDuration, formatThroughput, successRate } from './format';
import type { FailureRow, RunReport } from './report-model';

function failureLine(f: FailureRow): string {
  return f.path === undefined
    ? `- [${f.profile}] chunk ${f.source} (exit ${f.exitCode}, ${f.retryCount} retries): ${f.message}`
    : `    ${f.severity === 'Warning' ? '(warning) ' : ''}${f.path}: ${f.code ?? ''} ${f.message}`.trimEnd();
}

/** Plain-text body of the completion report. */
export function renderText(r: RunReport, maxListed: number): string {
  const lines = [
    `robocurse run ${r.sessionId}: ${r.outcome} (exit code ${r.exitCode})`,
    `Host: ${r.host}${r.origin ? `  User: ${r.origin.user}  Version: ${r.origin.version}${r.origin.dryRun ? '  DRY RUN' : ''}` : ''}`,
    `${r.origin ? `Started: ${r.origin.startedAt}  ` : ''}Ended: ${r.endedAt}  Duration: ${formatDuration(r.durationMs)}`,
    `Copied: ${r.filesCopied} files, ${formatBytes(r.bytesCopied)}  Failed chunks: ${r.chunksFailed}`,
    '',
  ];
  for (const p of r.profiles) {
    lines.push(
      `Profile ${p.profile}: ${p.result}`,
      `  Chunks: ${p.chunksTotal} total, ${p.chunksOk} ok, ${p.chunksWarning} warning, ${p.chunksFailed} failed, ${p.chunksSkipped} skipped (already done)`,
      `  Files copied: ${p.filesCopied}  Bytes: ${formatBytes(p.bytesCopied)} of ${formatBytes(p.bytesTotal)}`,
      `  Duration: ${formatDuration(p.durationMs)}  Throughput: ${formatThroughput(p.bytesCopied, p.durationMs)}  Success rate: ${successRate(p.chunksOk, p.chunksWarning, p.chunksFailed)}`,
    );
    if (p.scanErrors) lines.push(`  Scan errors: ${p.scanErrors}`);
    if (p.error) lines.push(`  Error: ${p.error}`);
    if (p.refused) lines.push(`  Refused: ${p.refused}`);
    for (const w of (p.warningChunks ?? []).slice(0, maxListed)) lines.push(`  Warning: chunk ${w.source} (exit ${w.exitCode}): ${w.message}`);
    if (p.extrasRemoved) lines.push(`  Extras removed from the destination: ${p.extrasRemoved}`);
    if (p.verify) {
      const v = p.verify;
      lines.push(`  Verification (${v.mode}): ${v.filesChecked} files checked, ${v.filesHashed} hashed; ${v.mismatches} mismatch(es), ${v.changedInSource} changed in the source`);
      lines.push(...v.listed.slice(0, maxListed).map((f) => `    ${f.kind === 'changed-in-source' ? 'changed in source' : `MISMATCH ${f.kind}`}: ${f.path}: ${f.detail}`));
    }
    lines.push('');
  }
  if (r.warnings.length > 0) {
    lines.push(`Warnings (${r.warnings.length}):`, ...r.warnings.map((w) => `- ${w.profile ? `[${w.profile}] ` : ''}${w.code}: ${w.message}`), '');
  }
  if (r.failures.length > 0) {
    lines.push(`Failures (${r.failures.length}${r.failures.length > maxListed ? `, first ${maxListed} shown; all in the attached failed-files.csv` : ''}):`);
    lines.push(...r.failures.slice(0, maxListed).map(failureLine));
  }
  return `${lines.join('\n')}\n`;
}
