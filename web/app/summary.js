import { html } from '/vendor/preact-htm.js';
import { bytes, duration } from './format.js';
import { Badge } from './ui.js';

/** The completion summary of an ended session, per profile, with what failed. */
export function Summary({ summary }) {
  const failed = summary.profiles.flatMap((p) => p.failedChunks.map((f) => ({ ...f, profile: p.profile })));
  return html`<section class=${`card summary ${summary.outcome === 'Success' ? 'ok' : summary.outcome === 'Warning' || summary.outcome === 'Stopped' ? 'warn' : 'bad'}`} aria-labelledby="summary-title">
    <header class="card-head"><h2 id="summary-title">Run ${summary.outcome === 'Success' ? 'complete' : 'ended'}: <${Badge} status=${summary.outcome} /></h2>
      <span class="muted">exit code ${summary.exitCode} · ${duration(summary.durationMs)}</span></header>
    <dl class="stats wide">
      <div><dt>Files copied</dt><dd>${summary.filesCopied.toLocaleString()}</dd></div>
      <div><dt>Bytes copied</dt><dd>${bytes(summary.bytesCopied)}</dd></div>
      <div><dt>Chunks failed</dt><dd>${summary.chunksFailed}</dd></div>
      <div><dt>Profiles</dt><dd>${summary.profiles.length}</dd></div>
    </dl>
    <table class="grid">
      <thead><tr><th scope="col">Profile</th><th scope="col">Result</th><th scope="col">Ok</th><th scope="col">Warnings</th><th scope="col">Failed</th><th scope="col">Done earlier</th><th scope="col">Files</th><th scope="col">Bytes</th><th scope="col">Time</th></tr></thead>
      <tbody>${summary.profiles.map((p) => html`<tr key=${p.profile}><th scope="row">${p.profile}</th><td><${Badge} status=${p.result} /></td>
        <td>${p.chunksOk}</td><td>${p.chunksWarning}</td><td>${p.chunksFailed}</td><td>${p.chunksSkipped}</td><td>${p.filesCopied.toLocaleString()}</td><td>${bytes(p.bytesCopied)}</td><td>${duration(p.durationMs)}</td></tr>`)}</tbody>
    </table>
    ${failed.length > 0 ? html`<details class="failed-list"><summary>${failed.length} failed chunk${failed.length === 1 ? '' : 's'}</summary>
      <ul class="items">${failed.map((f) => html`<li key=${f.chunkId}><strong>${f.profile}</strong> ${f.source}<div class="message">${f.message} <span class="muted small">(exit ${f.exitCode}, ${f.retryCount} attempts)</span></div></li>`)}</ul></details>` : null}
  </section>`;
}
