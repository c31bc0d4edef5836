import { html } from '/vendor/preact-htm.js';
import { percent } from './format.js';

/** A progress bar screen readers and tests can read: role, label and aria values. */
export function ProgressBar({ label, value, max, text, tone = 'run', small = false }) {
  const pct = percent(value, max);
  const now = Math.round(pct * 100) / 100;
  return html`<div class=${`bar ${tone}${small ? ' small' : ''}`} role="progressbar" aria-label=${label}
      aria-valuemin="0" aria-valuemax="100" aria-valuenow=${now} aria-valuetext=${text ?? `${now.toFixed(1)}%`}>
    <div class="fill" style=${{ width: `${pct}%` }}></div>
  </div>`;
}

const STATUS_TONES = {
  Running: 'run', Pending: 'idle', Complete: 'ok', CompleteWithWarnings: 'warn', Failed: 'bad', Skipped: 'ok',
  Success: 'ok', Warning: 'warn', Stopped: 'warn', Error: 'bad', running: 'run', waiting: 'idle', done: 'ok',
  interrupted: 'bad', ended: 'ok',
};
const STATUS_TEXT = { CompleteWithWarnings: 'Warnings', Skipped: 'Done earlier' };

export function Badge({ status, text }) {
  return html`<span class=${`badge ${STATUS_TONES[status] ?? 'idle'}`}>${text ?? STATUS_TEXT[status] ?? status}</span>`;
}

export function Section({ title, id, actions, children, className = '' }) {
  return html`<section class=${`card ${className}`} aria-labelledby=${`${id}-title`}>
    <header class="card-head"><h2 id=${`${id}-title`}>${title}</h2>${actions ? html`<div class="card-actions">${actions}</div>` : null}</header>
    ${children}
  </section>`;
}
