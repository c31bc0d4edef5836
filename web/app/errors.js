import { html, useEffect, useState } from '/vendor/preact-htm.js';
import { api, download } from './api.js';
import { dateTime } from './format.js';
import { Section } from './ui.js';

/** Problems grouped by code, each group expandable to the full messages; CSV of all of them. */
export function Errors({ session, refresh, onCount, announce }) {
  const [view, setView] = useState(null);
  useEffect(() => {
    let cancelled = false;
    api(`/runs/${encodeURIComponent(session)}/errors`).then((v) => { if (!cancelled) { setView(v); onCount(v.total); } }, () => undefined);
    return () => { cancelled = true; };
  }, [session, refresh]);
  const exportCsv = () => download(`/runs/${encodeURIComponent(session)}/errors.csv`, 'robocurse-errors.csv').catch((e) => announce(`CSV export failed: ${e.message}`, true));
  return html`<div id="errors"><${Section} title=${`Errors${view ? ` (${view.total})` : ''}`} id="errors-section"
      actions=${html`<button type="button" onClick=${exportCsv} disabled=${!view || view.total === 0}>Export CSV</button>`}>
    ${!view ? html`<p class="muted">Loading…</p>` : view.groups.length === 0 ? html`<p class="muted empty">No errors or warnings.</p>` : null}
    ${view && view.listed < view.total ? html`<p class="notice warn">Showing ${view.listed} of ${view.total}; the CSV has the listed ones.</p>` : null}
    <ul class="groups">
      ${(view?.groups ?? []).map((g) => html`<li key=${g.key}>
        <details>
          <summary><span class=${`badge ${g.severity === 'error' ? 'bad' : 'warn'}`}>${g.count}</span> ${g.label}
            <span class="muted small ellipsis">${g.chunks[0]?.lastError ?? g.warnings[0]?.message ?? ''}</span></summary>
          <ul class="items">
            ${g.chunks.map((c) => html`<li key=${c.chunkId}><code>${c.chunkId.slice(0, 8)}</code> <strong>${c.profile}</strong> ${c.source}
              <div class="message">${c.lastError ?? '(no message)'} <span class="muted small">· ${c.attempts} attempt${c.attempts === 1 ? '' : 's'}</span></div></li>`)}
            ${g.warnings.map((w, i) => html`<li key=${i}><span class="muted small">${dateTime(w.timestamp)}</span> ${w.profile ? html`<strong>${w.profile}</strong> ` : null}<div class="message">${w.message}</div></li>`)}
            ${g.count > g.chunks.length + g.warnings.length ? html`<li class="muted small">and ${g.count - g.chunks.length - g.warnings.length} more in the CSV export</li>` : null}
          </ul>
        </details>
      </li>`)}
    </ul>
  <//></div>`;
}
