import { html, useEffect, useRef, useState } from '/vendor/preact-htm.js';
import { api } from './api.js';
import { bytes, duration, rate } from './format.js';
import { Badge, ProgressBar, Section } from './ui.js';

const FILTERS = [
  ['', 'All'], ['Running', 'Running'], ['Failed', 'Failed'], ['Pending', 'Pending'],
  ['CompleteWithWarnings', 'Warnings'], ['Complete,Skipped', 'Done'],
];
const COLUMNS = [['path', 'Path'], ['status', 'Status'], ['attempts', 'Attempts'], ['size', 'Size'], ['copied', 'Progress'], ['duration', 'Speed · time']];
const PAGE = 25;

function LogDialog({ session, chunk, onClose }) {
  const ref = useRef(null);
  const [log, setLog] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    ref.current?.showModal();
    api(`/runs/${encodeURIComponent(session)}/chunks/${chunk.chunkId}/log?profileRunId=${chunk.profileRunId}&lines=300`)
      .then(setLog, (e) => setError(e.message));
  }, []);
  return html`<dialog ref=${ref} class="log-dialog" aria-labelledby="log-title" onClose=${onClose}>
    <header class="card-head"><h2 id="log-title">Engine log · ${chunk.path}</h2>
      <button type="button" onClick=${() => ref.current?.close()} aria-label="Close the log">Close</button></header>
    ${error ? html`<p class="notice bad">${error}</p>` : !log ? html`<p class="muted">Loading…</p>`
      : html`<p class="muted small">${log.file} · attempt ${log.attempt} · ${bytes(log.size)}${log.truncated ? ' · last lines only' : ''}</p>
             <pre class="log">${log.lines.join('\n') || '(empty)'}</pre>`}
  </dialog>`;
}

/**
 * The chunk table: filtered, sorted and paged by the server (a run of 100,000 chunks sends 25
 * rows); running rows take their bytes and speed from the live status between refreshes.
 */
export function Chunks({ session, live, refresh, readOnly, profileRunId, announce }) {
  const [status, setStatus] = useState('');
  const [sort, setSort] = useState({ key: 'status', dir: 'asc' });
  const [offset, setOffset] = useState(0);
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [page, setPage] = useState({ total: 0, rows: [] });
  const [error, setError] = useState(null);
  const [logOf, setLogOf] = useState(null);
  useEffect(() => { setOffset(0); }, [session, status, sort, query, profileRunId]);
  useEffect(() => {
    let cancelled = false;
    const p = new URLSearchParams({ sort: sort.key, dir: sort.dir, offset: String(offset), limit: String(PAGE) });
    if (status) p.set('status', status);
    if (query) p.set('q', query);
    if (profileRunId) p.set('profileRunId', String(profileRunId));
    api(`/runs/${encodeURIComponent(session)}/chunks?${p}`).then((r) => { if (!cancelled) { setPage(r); setError(null); } }, (e) => { if (!cancelled) setError(e.message); });
    return () => { cancelled = true; };
  }, [session, status, sort, offset, query, profileRunId, refresh]);
  const liveById = new Map((live?.active ?? []).map((a) => [a.chunkId, a]));
  const act = async (row, action) => {
    try {
      const r = await api(`/runs/${encodeURIComponent(session)}/chunks/${row.chunkId}/${action}`, { method: 'POST', body: {} });
      announce(`${action === 'retry' ? 'Retry' : 'Skip'} ${row.path}: ${r.state === 'queued' ? 'queued' : 'applied'}`);
    } catch (e) {
      announce(`${action === 'retry' ? 'Retry' : 'Skip'} ${row.path} failed: ${e.message}`, true);
    }
  };
  const sortBy = (key) => setSort((s) => ({ key, dir: s.key === key && s.dir === 'asc' ? 'desc' : key === 'size' || key === 'copied' ? 'desc' : 'asc' }));
  const pages = Math.max(1, Math.ceil(page.total / PAGE));
  const current = Math.floor(offset / PAGE) + 1;
  return html`<${Section} title="Chunks" id="chunks" actions=${html`<span class="muted small" data-testid="chunk-total">${page.total} chunk${page.total === 1 ? '' : 's'}</span>`}>
    <div class="toolbar">
      <div class="segmented" role="group" aria-label="Filter by status">
        ${FILTERS.map(([value, label]) => html`<button type="button" aria-pressed=${status === value} onClick=${() => setStatus(value)}>${label}</button>`)}
      </div>
      <form class="search" role="search" onSubmit=${(e) => { e.preventDefault(); setQuery(q.trim()); }}>
        <label class="sr-only" for="chunk-search">Search paths</label>
        <input id="chunk-search" type="search" placeholder="Search paths" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} />
        <button type="submit">Search</button>
      </form>
    </div>
    ${error ? html`<p class="notice bad">${error}</p>` : null}
    <div class="table-wrap">
    <table class="grid chunks" aria-rowcount=${page.total}>
      <thead><tr>
        <th scope="col">Id</th>
        ${COLUMNS.map(([key, label]) => html`<th scope="col" aria-sort=${sort.key === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
          <button type="button" class="sort" onClick=${() => sortBy(key)}>${label}${sort.key === key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}</button></th>`)}
        <th scope="col">Last error</th>
        <th scope="col"><span class="sr-only">Actions</span></th>
      </tr></thead>
      <tbody>
        ${page.rows.length === 0 ? html`<tr><td colspan="9" class="muted empty">No chunks${status || query ? ' match' : ' yet'}.</td></tr>` : null}
        ${page.rows.map((c) => {
          const l = c.status === 'Running' ? liveById.get(c.chunkId) : undefined;
          const copied = l ? l.bytesCopied : c.status === 'Pending' ? 0 : c.status === 'Running' ? 0 : c.estimatedBytes;
          const speed = l ? l.bytesPerSecond : c.durationMs ? (c.bytesCopied * 1000) / Math.max(1, c.durationMs) : undefined;
          const canRetry = !readOnly && c.status === 'Failed';
          const canSkip = !readOnly && c.status === 'Pending';
          return html`<tr key=${`${c.profileRunId}:${c.chunkId}`} data-chunk-id=${c.chunkId} data-status=${c.status}>
            <td><code title=${c.chunkId}>${c.chunkId.slice(0, 8)}</code></td>
            <td class="path"><span class="ellipsis" title=${c.source}>${c.path}</span><div class="muted small">${c.profile} · ${c.kind}</div></td>
            <td><${Badge} status=${c.status} /></td>
            <td data-testid="attempts">${c.attempts}</td>
            <td class="num">${bytes(c.estimatedBytes)}</td>
            <td class="progress-cell"><${ProgressBar} label=${`Chunk ${c.path}`} value=${copied} max=${c.estimatedBytes || 1} small tone=${c.status === 'Failed' ? 'bad' : c.status === 'Running' ? 'run' : 'ok'} /></td>
            <td class="num">${c.status === 'Running' || c.bytesCopied > 0 ? rate(speed) : '–'}${c.durationMs ? html`<div class="muted small">${duration(c.durationMs)}</div>` : null}</td>
            <td class="error-cell"><span class="ellipsis" title=${c.lastError ?? ''}>${c.lastError ?? ''}</span></td>
            <td><div class="actions">
              ${canRetry ? html`<button type="button" onClick=${() => act(c, 'retry')} aria-label=${`Retry chunk ${c.path}`}>Retry</button>` : null}
              ${canSkip ? html`<button type="button" onClick=${() => act(c, 'skip')} aria-label=${`Skip chunk ${c.path}`}>Skip</button>` : null}
              ${c.hasLog ? html`<button type="button" onClick=${() => setLogOf(c)} aria-label=${`Log of chunk ${c.path}`}>Log</button>` : null}
            </div></td>
          </tr>`;
        })}
      </tbody>
    </table>
    </div>
    <nav class="pager" aria-label="Chunk pages">
      <button type="button" onClick=${() => setOffset(Math.max(0, offset - PAGE))} disabled=${offset === 0}>‹ Previous</button>
      <span>Page ${current} of ${pages}</span>
      <button type="button" onClick=${() => setOffset(offset + PAGE)} disabled=${current >= pages}>Next ›</button>
    </nav>
    ${logOf ? html`<${LogDialog} session=${session} chunk=${logOf} onClose=${() => setLogOf(null)} />` : null}
  <//>`;
}
