import { html, useState } from '/vendor/preact-htm.js';
import { bytes, duration, time } from './format.js';
import { Section } from './ui.js';

/** One line per event, in words; the full payload is a click away. */
export function describe(e) {
  const d = e.data ?? {};
  switch (e.eventType) {
    case 'SessionStart': return `Session started: ${(d.profiles ?? []).join(', ')} (${d.maxConcurrentJobs} jobs${d.dryRun ? ', dry run' : ''})`;
    case 'ProfileStart': return `Profile ${d.profile}: ${d.source} → ${d.destination} (${d.engine})`;
    case 'ScanComplete': return `Scanned ${d.profile}: ${d.files} files, ${bytes(d.bytes)} in ${d.chunks} chunks${d.errors ? `, ${d.errors} unreadable` : ''}`;
    case 'ChunkStart': return `Started ${d.source} (attempt ${d.attempt}${d.onlyFiles ? `, only its ${d.onlyFiles} failed file(s)` : ''})`;
    case 'ChunkProgress': return `Progress ${d.chunkId}: ${bytes(d.bytesCopied)}`;
    case 'ChunkComplete': return `${d.severity === 'Success' ? 'Copied' : d.severity} ${d.source}: ${d.filesCopied} files, ${bytes(d.bytesCopied)} in ${duration(d.durationMs)}${d.severity !== 'Success' ? ` — ${d.message}` : ''}`;
    case 'ChunkRetry': return `Retry ${d.retryCount} of ${d.source} in ${duration(d.backoffMs)}: ${d.message}`;
    case 'ChunkError': return `Failed ${d.source} after ${d.retryCount} attempt(s): ${d.message}`;
    case 'FileFailed': return `${d.severity === 'Warning' ? 'Still failing (warning)' : 'Still failing'} after ${d.attempts} attempt(s): ${d.path}: ${d.error}`;
    case 'ProfileComplete': return `Profile ${d.profile}: ${d.result} (${d.chunksOk} ok, ${d.chunksWarning} warnings, ${d.chunksFailed} failed)`;
    case 'Paused': return d.suspend ? 'Suspended: running chunks frozen' : 'Paused: no new chunks start';
    case 'Resumed': return `Resumed after ${duration(d.pausedMs)}`;
    case 'StopRequested': return `${d.mode === 'drain' ? 'Drain' : 'Stop'} requested (${d.reason})`;
    case 'Stopped': return `Stopped: ${d.killedJobs} killed, ${d.queuedChunks} not started`;
    case 'CommandApplied': return `Command ${d.command}${d.argument !== undefined ? ` ${d.argument}` : ''}${d.chunkId ? ` ${d.chunkId}` : ''} (${d.source})`;
    case 'Warning': return `${d.code}: ${d.message}`;
    case 'SnapshotCreated': return `Snapshot ${d.snapshotId} of ${d.sourcePath}`;
    case 'SnapshotDeleted': return `Snapshot ${d.snapshotId} deleted`;
    case 'SessionEnd': return `Session ended: ${d.outcome} (exit ${d.exitCode})`;
    default: return e.eventType;
  }
}

const LEVELS = [['all', 'All'], ['warning', 'Warnings'], ['error', 'Errors']];

/** The event feed, newest first; each event once, keyed by its seq. */
export function EventFeed({ events }) {
  const [level, setLevel] = useState('all');
  const shown = events.filter((e) => e.eventType !== 'ChunkProgress' && (level === 'all' || e.severity === level || (level === 'warning' && e.severity === 'error')));
  return html`<${Section} title="Events" id="events" actions=${html`<div class="segmented" role="group" aria-label="Event level">
      ${LEVELS.map(([v, l]) => html`<button type="button" aria-pressed=${level === v} onClick=${() => setLevel(v)}>${l}</button>`)}</div>`}>
    <ol class="feed" aria-live="off">
      ${shown.length === 0 ? html`<li class="muted empty">No events yet.</li>` : null}
      ${shown.slice(-150).reverse().map((e) => html`<li key=${e.seq} data-seq=${e.seq} class=${`sev-${e.severity}`}>
        <span class="when">${time(e.timestamp)}</span><span class="type">${e.eventType}</span><span class="what">${describe(e)}</span>
      </li>`)}
    </ol>
  <//>`;
}
