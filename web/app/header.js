import { html, useEffect, useRef } from '/vendor/preact-htm.js';
import uPlot from '/vendor/uPlot.esm.js';
import { bytes, duration, eta, percent, rate } from './format.js';
import { Badge, ProgressBar } from './ui.js';

/** What the run is doing, in one word, from the live status or, once ended, from the session. */
export function phaseOf(session, live) {
  if (!session) return 'Loading';
  if (session.state === 'interrupted') return 'Interrupted';
  if (session.state === 'ended') return session.outcome ?? 'Ended';
  if (!live) return 'Starting';
  if (live.stopping) return 'Stopping';
  if (live.draining) return 'Draining';
  if (live.suspended) return 'Suspended';
  if (live.paused) return 'Paused';
  return live.phase === 'Replicating' ? 'Copying' : live.phase;
}

const PHASE_TONE = { Copying: 'run', Scanning: 'run', Snapshot: 'run', Starting: 'run', Paused: 'warn', Suspended: 'warn', Draining: 'warn', Stopping: 'warn',
  Success: 'ok', Warning: 'warn', Failed: 'bad', Error: 'bad', Stopped: 'warn', Interrupted: 'bad' };

function ThroughputChart({ history }) {
  const box = useRef(null);
  const plot = useRef(null);
  useEffect(() => {
    const width = box.current.clientWidth || 280;
    plot.current = new uPlot({
      width, height: 70, legend: { show: false }, cursor: { show: false }, select: { show: false },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.15] } },
      axes: [{ show: false }, { show: false }],
      series: [{}, { stroke: '#2f6fdb', width: 2, fill: 'rgba(47,111,219,0.14)', points: { show: false } }],
    }, [[], []], box.current);
    return () => plot.current?.destroy();
  }, []);
  useEffect(() => {
    const h = history ?? [];
    plot.current?.setData([h.map((p) => p[0] / 1000), h.map((p) => p[1])]);
  }, [history]);
  return html`<div class="chart" ref=${box} role="img" aria-label="Throughput over the last minute"></div>`;
}

/** Run header: phase, profile, overall and profile progress, rate over the last minute with its chart, ETA. */
export function RunHeader({ snap, live, failedCount }) {
  const session = snap?.session;
  const phase = phaseOf(session, live);
  const profiles = snap?.profiles ?? [];
  const summary = snap?.summary;
  // Overall bytes: the live figure while running; from the profile rows once ended.
  const doneFromRows = profiles.reduce((a, p) => a + p.bytesDone, 0);
  const totalFromRows = profiles.reduce((a, p) => a + p.bytesTotal, 0);
  const overallDone = live ? live.overallBytesComplete : doneFromRows;
  const overallTotal = live ? live.overallBytesTotal : totalFromRows;
  const current = live?.currentProfile;
  return html`<section class="card run-header" aria-label="Run">
    <div class="run-title">
      <span class=${`phase ${PHASE_TONE[phase] ?? 'idle'}`} data-testid="phase">${phase}</span>
      <div class="run-meta">
        <div class="run-profile">${current ? html`Profile <strong>${current}</strong> <span class="muted">(${(live.profileIndex ?? 0) + 1} of ${live.profileCount})</span>` : html`<span class="muted">${profiles.length} profile${profiles.length === 1 ? '' : 's'}</span>`}</div>
        <div class="muted small">Session <code>${session?.sessionId ?? '…'}</code> on ${session?.host ?? '…'} · pid ${session?.pid ?? '…'}${session?.dryRun ? ' · dry run' : ''}</div>
      </div>
      ${failedCount > 0 ? html`<a class="error-chip" href="#errors">${failedCount} problem${failedCount === 1 ? '' : 's'}</a>` : null}
    </div>
    <div class="run-grid">
      <div class="progress-block">
        <div class="label-row"><span>${live ? 'Overall' : 'Overall (in place)'}</span><span><strong>${bytes(overallDone)}</strong> of ${bytes(overallTotal)} · ${percent(overallDone, overallTotal).toFixed(1)}%</span></div>
        <${ProgressBar} label="Overall progress" value=${overallDone} max=${overallTotal} tone=${summary ? (summary.outcome === 'Success' ? 'ok' : 'warn') : 'run'}
          text=${`${percent(overallDone, overallTotal).toFixed(1)}%, ${bytes(overallDone)} of ${bytes(overallTotal)}`} />
        ${live && current ? html`
          <div class="label-row"><span>Profile ${current}</span><span>${bytes(live.bytesComplete)} of ${bytes(live.bytesTotal)} · chunks ${live.chunksComplete}/${live.chunksTotal}</span></div>
          <${ProgressBar} label=${`Profile ${current} progress`} value=${live.bytesComplete} max=${live.bytesTotal} small />` : null}
      </div>
      <dl class="stats">
        <div><dt>Rate (last minute)</dt><dd data-testid="rate">${rate(live?.minuteBytesPerSecond)}</dd></div>
        <div><dt>ETA${live && live.overallEtaSeconds == null && live.etaSeconds != null ? ' (this profile)' : ''}</dt><dd>${live ? eta(live.overallEtaSeconds ?? live.etaSeconds) : summary ? 'done' : '–'}</dd></div>
        <div><dt>Active / queued</dt><dd data-testid="active-count">${live ? `${live.activeCount} / ${live.queuedCount}` : '–'}</dd></div>
        <div><dt>Elapsed</dt><dd>${live ? duration(live.elapsedMs) : summary ? duration(summary.durationMs) : '–'}</dd></div>
      </dl>
      <div class="chart-block">
        <div class="label-row"><span>Throughput</span><span class="muted small">last 60 s</span></div>
        ${live ? html`<${ThroughputChart} history=${live.rateHistory} />` : html`<div class="chart-empty">${session?.state === 'running' ? 'waiting for the first samples' : 'not running'}</div>`}
      </div>
    </div>
  </section>`;
}

export { Badge };
