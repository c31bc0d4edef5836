import { escapeHtml as h, formatBytes, formatDuration, formatThroughput, successRate } from './format';
import type { RunReport } from './report-model';

const COLOR: Record<string, string> = { Success: '#1a7f37', Warning: '#9a6700', Failed: '#cf222e', Stopped: '#9a6700', Error: '#cf222e' };

/** HTML body of the completion report. Every value from the run is escaped. */
export function renderHtml(r: RunReport, maxListed: number): string {
  const color = (s: string): string => COLOR[s] ?? '#000';
  const rows = r.profiles.map((p) => `<tr><td>${h(p.profile)}</td><td style="color:${color(p.result)}"><b>${h(p.result)}</b></td>`
    + `<td>${p.chunksOk}</td><td>${p.chunksWarning}</td><td>${p.chunksFailed}</td><td>${p.chunksSkipped}</td>`
    + `<td>${p.filesCopied}</td><td>${h(formatBytes(p.bytesCopied))}</td><td>${h(formatDuration(p.durationMs))}</td>`
    + `<td>${h(formatThroughput(p.bytesCopied, p.durationMs))}</td><td>${h(successRate(p.chunksOk, p.chunksWarning, p.chunksFailed))}</td></tr>`
    + (p.error ? `<tr><td colspan="11" style="color:#cf222e">${h(p.error)}</td></tr>` : '')
    + (p.refused ? `<tr><td colspan="11" style="color:#cf222e">${h(p.refused)}</td></tr>` : '')
    + (p.warningChunks ?? []).slice(0, maxListed).map((w) => `<tr><td colspan="11" style="color:#9a6700">warning: ${h(w.source)} (exit ${w.exitCode}): ${h(w.message)}</td></tr>`).join('')
    + (p.verify ? `<tr><td colspan="11">Verification (${h(p.verify.mode)}): ${p.verify.filesChecked} files checked, ${p.verify.filesHashed} hashed; `
      + `<b${p.verify.mismatches ? ' style="color:#cf222e"' : ''}>${p.verify.mismatches} mismatch(es)</b>, ${p.verify.changedInSource} changed in the source`
      + p.verify.listed.slice(0, maxListed).map((f) => `<br>&nbsp;&nbsp;${f.kind === 'changed-in-source' ? 'changed in source' : `<b>MISMATCH ${h(f.kind)}</b>`}: <code>${h(f.path)}</code> ${h(f.detail)}`).join('')
      + '</td></tr>' : '')).join('\n');
  const failures = r.failures.slice(0, maxListed).map((f) => (f.path === undefined
    ? `<li><b>[${h(f.profile)}] ${h(f.source)}</b> (exit ${f.exitCode}, ${f.retryCount} retries): ${h(f.message)}</li>`
    : `<li style="margin-left:2em">${f.severity === 'Warning' ? '(warning) ' : ''}<code>${h(f.path)}</code> ${h(f.code ?? '')} ${h(f.message)}</li>`)).join('\n');
  const more = r.failures.length > maxListed
    ? `<p>${r.failures.length - maxListed} more not shown; the full list is attached as failed-files.csv.</p>` : '';
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>robocurse ${h(r.outcome)}</title></head>
<body style="font-family:sans-serif">
<h2>robocurse run <span style="color:${color(r.outcome)}">${h(r.outcome)}</span></h2>
<p>Session <code>${h(r.sessionId)}</code> on <b>${h(r.host)}</b>${r.origin ? ` by ${h(r.origin.user)} (robocurse ${h(r.origin.version)})${r.origin.dryRun ? ' &mdash; <b>dry run</b>' : ''}` : ''}.<br>
Exit code ${r.exitCode}; duration ${h(formatDuration(r.durationMs))}; copied ${r.filesCopied} files, ${h(formatBytes(r.bytesCopied))}; ${r.chunksFailed} chunk(s) failed.</p>
<table border="1" cellspacing="0" cellpadding="4">
<tr><th>Profile</th><th>Result</th><th>Chunks ok</th><th>Warning</th><th>Failed</th><th>Skipped</th><th>Files</th><th>Bytes</th><th>Duration</th><th>Throughput</th><th>Success rate</th></tr>
${rows}
</table>
${r.warnings.length ? `<h3>Warnings (${r.warnings.length})</h3>\n<ul>\n${r.warnings.map((w) => `<li>${w.profile ? `[${h(w.profile)}] ` : ''}<b>${h(w.code)}</b>: ${h(w.message)}</li>`).join('\n')}\n</ul>` : ''}
${r.failures.length ? `<h3>Failures (${r.failures.length})</h3>\n<ul>\n${failures}\n</ul>\n${more}` : ''}
</body></html>
`;
}
