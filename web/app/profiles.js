import { html } from '/vendor/preact-htm.js';
import { bytes, percent } from './format.js';
import { Badge, ProgressBar, Section } from './ui.js';

/** One row per profile of the session, with its state, result, bytes and chunk counts. */
export function Profiles({ profiles, live, onPick, picked }) {
  return html`<${Section} title="Profiles" id="profiles">
    <table class="grid">
      <thead><tr><th scope="col">Profile</th><th scope="col">State</th><th scope="col" class="wide">Progress</th><th scope="col">Chunks</th><th scope="col">Failed</th><th scope="col"><span class="sr-only">Show chunks</span></th></tr></thead>
      <tbody>
        ${(profiles ?? []).map((p) => {
          const isCurrent = live?.currentProfile === p.name;
          const done = isCurrent ? live.bytesComplete : p.bytesDone;
          const total = isCurrent ? live.bytesTotal : p.bytesTotal;
          const finished = p.counts.Complete + p.counts.CompleteWithWarnings + p.counts.Skipped + p.counts.Failed;
          return html`<tr key=${p.name} class=${isCurrent ? 'current' : ''}>
            <th scope="row">${p.name}<div class="muted small ellipsis" title=${`${p.source ?? ''} → ${p.destination ?? ''}`}>${p.engine ? `${p.engine} · ` : ''}${p.source ?? ''}</div></th>
            <td>${p.result ? html`<${Badge} status=${p.result} />` : html`<${Badge} status=${p.state} text=${p.state === 'running' ? 'Running' : p.state === 'waiting' ? 'Waiting' : 'Done'} />`}</td>
            <td class="wide"><${ProgressBar} label=${`Profile ${p.name}`} value=${done} max=${total} small tone=${p.result === 'Failed' ? 'bad' : p.result ? 'ok' : 'run'} />
              <span class="muted small">${bytes(done)} of ${bytes(total)} · ${percent(done, total).toFixed(0)}%</span></td>
            <td>${finished}/${p.chunksTotal}</td>
            <td>${p.counts.Failed > 0 ? html`<span class="badge bad">${p.counts.Failed}</span>` : '0'}</td>
            <td>${p.profileRunId ? html`<button type="button" class="link" aria-pressed=${picked === p.profileRunId} onClick=${() => onPick(picked === p.profileRunId ? undefined : p.profileRunId)}>${picked === p.profileRunId ? 'All chunks' : 'Chunks'}</button>` : null}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  <//>`;
}
