import { html, useEffect, useState } from '/vendor/preact-htm.js';
import { api } from './api.js';
import { mbps } from './format.js';

/**
 * Run control. Every button says what it does; Stop asks first. The live values of concurrency
 * and bandwidth are shown beside their fields, which only send when "Apply" is pressed.
 */
export function Controls({ session, live, running, announce }) {
  const [busy, setBusy] = useState(false);
  const [jobs, setJobs] = useState('');
  const [bw, setBw] = useState('');
  const [confirmStop, setConfirmStop] = useState(false);
  useEffect(() => { setJobs(''); setBw(''); }, [session]);
  const send = async (label, path, method, body) => {
    setBusy(true);
    try {
      const r = await api(`/runs/${encodeURIComponent(session)}/${path}`, { method, body: body ?? {} });
      announce(`${label}: ${r.state === 'queued' ? 'queued, waiting for the run to pick it up' : 'applied'}`);
    } catch (err) {
      announce(`${label} failed: ${err.message}`, true);
    } finally {
      setBusy(false);
    }
  };
  const off = busy || !running;
  const paused = Boolean(live?.paused);
  const limit = live?.maxConcurrentJobs;
  const bwNow = live ? mbps(live.bandwidthBytesPerSec) : undefined;
  return html`<section class="card controls" aria-label="Run control">
    <div class="button-row" role="group" aria-label="Pause and stop">
      <button type="button" onClick=${() => send('Pause', 'pause', 'POST', { suspend: false })} disabled=${off || paused} title="Start no new chunks; running ones go on">Pause</button>
      <button type="button" onClick=${() => send('Suspend', 'pause', 'POST', { suspend: true })} disabled=${off || live?.suspended} title="Pause and freeze running chunks where the engine can">Suspend</button>
      <button type="button" class="primary" onClick=${() => send('Resume', 'resume', 'POST')} disabled=${off || !paused}>Resume</button>
      <button type="button" onClick=${() => send('Drain', 'stop', 'POST', { mode: 'drain' })} disabled=${off || live?.draining} title="Let running chunks finish, start nothing new, then end">Drain</button>
      ${confirmStop
        ? html`<span class="confirm" role="alert">Kill running chunks and stop?
            <button type="button" class="danger" onClick=${() => { setConfirmStop(false); send('Stop', 'stop', 'POST', { mode: 'stop' }); }}>Yes, stop</button>
            <button type="button" onClick=${() => setConfirmStop(false)}>Cancel</button></span>`
        : html`<button type="button" class="danger" onClick=${() => setConfirmStop(true)} disabled=${off || live?.stopping}>Stop…</button>`}
    </div>
    <form class="inline-form" onSubmit=${(e) => { e.preventDefault(); const n = Number(jobs); if (Number.isInteger(n) && n >= 1) send(`Concurrency ${n}`, 'concurrency', 'PUT', { limit: n }); }}>
      <label for="jobs">Concurrent chunks <span class="muted" data-testid="concurrency-now">(now ${limit ?? '–'})</span></label>
      <input id="jobs" type="number" min="1" max="1024" step="1" inputmode="numeric" placeholder=${limit ?? ''} value=${jobs} onInput=${(e) => setJobs(e.currentTarget.value)} disabled=${off} />
      <button type="submit" disabled=${off || jobs === ''}>Apply</button>
    </form>
    <form class="inline-form" onSubmit=${(e) => { e.preventDefault(); const n = Number(bw); if (Number.isFinite(n) && n >= 0) send(`Bandwidth ${n === 0 ? 'unlimited' : `${n} Mbit/s`}`, 'bandwidth', 'PUT', { mbps: n }); }}>
      <label for="bw">Bandwidth Mbit/s <span class="muted" data-testid="bandwidth-now">(now ${bwNow === undefined ? '–' : bwNow === 0 ? 'unlimited' : bwNow})</span></label>
      <input id="bw" type="number" min="0" step="any" inputmode="decimal" placeholder="0 = unlimited" value=${bw} onInput=${(e) => setBw(e.currentTarget.value)} disabled=${off} />
      <button type="submit" disabled=${off || bw === ''}>Apply</button>
    </form>
  </section>`;
}
