import { html } from '/vendor/preact-htm.js';
import { bytes, dateTime, duration } from './format.js';
import { Badge, Section } from './ui.js';

/** Past and running sessions of this state database; picking one shows it. */
export function History({ runs, current, onPick }) {
  return html`<${Section} title="Sessions" id="history">
    <div class="table-wrap"><table class="grid">
      <thead><tr><th scope="col">Started</th><th scope="col">State</th><th scope="col">Duration</th><th scope="col">Profiles</th><th scope="col">Copied</th><th scope="col"><span class="sr-only">Open</span></th></tr></thead>
      <tbody>
        ${runs.length === 0 ? html`<tr><td colspan="6" class="muted empty">No sessions yet.</td></tr>` : null}
        ${runs.map((r) => html`<tr key=${r.sessionId} class=${r.sessionId === current ? 'current' : ''}>
          <td>${dateTime(r.startedAt)}<div class="muted small"><code>${r.sessionId}</code></div></td>
          <td>${r.state === 'running' ? html`<${Badge} status="running" text="Running" />` : r.state === 'interrupted' ? html`<${Badge} status="interrupted" text="Interrupted" />` : html`<${Badge} status=${r.outcome ?? 'ended'} />`}</td>
          <td>${r.endedAt ? duration(Date.parse(r.endedAt) - Date.parse(r.startedAt)) : '–'}</td>
          <td>${r.profiles.map((p) => html`<span class="tag" title=${`${p.failed} failed of ${p.chunksTotal}`}>${p.name}${p.result ? ` · ${p.result}` : ''}</span>`)}</td>
          <td class="num">${bytes(r.profiles.reduce((a, p) => a + p.bytesCopied, 0))}</td>
          <td>${r.sessionId === current ? html`<span class="muted small">shown</span>` : html`<button type="button" class="link" onClick=${() => onPick(r.sessionId)}>Open</button>`}</td>
        </tr>`)}
      </tbody>
    </table></div>
  <//>`;
}
