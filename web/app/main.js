import { html, render, useCallback, useEffect, useRef, useState } from '/vendor/preact-htm.js';
import { api, setToken } from './api.js';
import { Chunks } from './chunks.js';
import { Controls } from './controls.js';
import { Errors } from './errors.js';
import { EventFeed } from './events.js';
import { RunHeader } from './header.js';
import { History } from './history.js';
import { Profiles } from './profiles.js';
import { openStream } from './stream.js';
import { Summary } from './summary.js';
import { takeToken } from './token.js';

// First thing, before anything can log or link the address: the token leaves the address bar.
const token = takeToken();
setToken(token);

// Asked before the first render: the session to show decides every other request.
const healthRequest = token ? api('/health') : Promise.resolve(null);
healthRequest.catch(() => undefined);

const MAX_EVENTS = 400;
const TABLE_EVENTS = new Set(['ChunkStart', 'ChunkComplete', 'ChunkRetry', 'ChunkError', 'CommandApplied', 'ScanComplete', 'ProfileStart', 'ProfileComplete', 'Stopped', 'SessionEnd']);
const PROBLEM_EVENTS = new Set(['ChunkError', 'ChunkComplete', 'Warning', 'CommandApplied', 'SessionEnd']);

const SETTLE_MS = 500;

/** Calls `fn` at most once per `ms`, trailing: a burst of events costs one refetch. */
function useThrottle(fn, ms) {
  const timer = useRef(null);
  const last = useRef(0);
  return useCallback(() => {
    if (timer.current) return;
    // Never at once: a run writes a chunk's result to its database in batches (up to 100 ms, more
    // on a busy host) after the event that announces it, and a read made at once would miss it.
    const wait = Math.max(SETTLE_MS, last.current + ms - Date.now());
    timer.current = setTimeout(() => { timer.current = null; last.current = Date.now(); fn(); }, wait);
  }, [fn, ms]);
}

function Unauthorized() {
  return html`<main class="centered"><section class="card narrow"><h1>robocurse dashboard</h1>
    <p>This page needs the dashboard's token. Open the full URL that <code>robocurse dashboard</code> (or <code>robocurse run --dashboard</code>) printed; it ends in <code>#t=…</code>.</p>
    <p class="muted small">The token is kept only in this tab and never sent as a cookie.</p></section></main>`;
}

function App() {
  const [health, setHealth] = useState(null);
  const [session, setSession] = useState(null);
  const [snap, setSnap] = useState(null);
  const [live, setLive] = useState(null);
  const [events, setEvents] = useState([]);
  const [conn, setConn] = useState({ state: 'connecting', reconnects: 0 });
  const [tableTick, setTableTick] = useState(0);
  const [problemTick, setProblemTick] = useState(0);
  const [runs, setRuns] = useState([]);
  const [problems, setProblems] = useState(0);
  const [profileRunId, setProfileRunId] = useState(undefined);
  const [message, setMessage] = useState(null);
  const [unauthorized, setUnauthorized] = useState(!token);
  const lastSeq = useRef(0);

  const announce = useCallback((text, bad = false) => { setMessage({ text, bad, at: Date.now() }); }, []);
  useEffect(() => {
    if (!message) return undefined;
    const t = setTimeout(() => setMessage((m) => (m === message ? null : m)), message.bad ? 12_000 : 5000);
    return () => clearTimeout(t);
  }, [message]);
  const loadRuns = useCallback(() => api('/runs?limit=30').then((r) => {
    setRuns(r.runs);
    // A dashboard opened before any run shows the first one that appears.
    setSession((s) => s ?? (r.runs.find((x) => x.state === 'running') ?? r.runs[0])?.sessionId ?? null);
  }, (e) => { if (e.status === 401) setUnauthorized(true); }), []);
  const refreshSnapshot = useCallback(() => {
    if (!session) return;
    api(`/runs/${encodeURIComponent(session)}`).then((s) => setSnap((old) => ({ ...s, recent: old?.recent ?? [] })), () => undefined);
  }, [session]);
  const bumpTables = useThrottle(useCallback(() => { setTableTick((t) => t + 1); refreshSnapshot(); }, [refreshSnapshot]), 1500);
  const bumpProblems = useThrottle(useCallback(() => setProblemTick((t) => t + 1), []), 2000);

  useEffect(() => {
    if (!token) return;
    healthRequest.then((h) => { setHealth(h); setSession((s) => s ?? h.defaultSession); }, (e) => { if (e.status === 401) setUnauthorized(true); });
    loadRuns();
    const t = setInterval(loadRuns, 10_000);
    return () => clearInterval(t);
  }, []);

  useEffect(() => {
    if (!session) return undefined;
    setSnap(null); setLive(null); setEvents([]); lastSeq.current = 0; setProfileRunId(undefined);
    const stream = openStream(session, {
      onSnapshot: (s) => {
        const fresh = lastSeq.current === 0;
        lastSeq.current = s.seq;
        setSnap(s);
        setLive(s.live ?? null);
        setEvents(s.recent);
        // The tables load on their own at first; a later snapshot (after a gap) reloads them.
        if (!fresh) { setTableTick((t) => t + 1); setProblemTick((t) => t + 1); }
        // The first snapshot may already hold problem events whose chunk rows the run has not
        // written yet when the errors view first loads: read them again once they have settled.
        else bumpProblems();
      },
      onEvent: (e) => {
        // Replays after a reconnect start exactly after the last seq seen; anything at or below it is already shown.
        if (e.seq <= lastSeq.current) return;
        lastSeq.current = e.seq;
        setEvents((list) => [...list, e].slice(-MAX_EVENTS));
        if (TABLE_EVENTS.has(e.eventType)) bumpTables();
        if (PROBLEM_EVENTS.has(e.eventType)) bumpProblems();
        if (e.eventType === 'SessionEnd' || e.eventType === 'ProfileStart' || e.eventType === 'ProfileComplete') { refreshSnapshot(); loadRuns(); }
      },
      onProgress: (l) => setLive(l),
      onStatus: (st) => { setConn(st); if (st.state === 'unauthorized') setUnauthorized(true); },
    });
    return () => stream.close();
  }, [session]);

  if (unauthorized) return html`<${Unauthorized} />`;
  const readOnly = health?.readOnly ?? true;
  const running = snap?.session?.state === 'running';
  const ended = snap?.session && snap.session.state !== 'running';
  return html`
    <header class="topbar">
      <div class="brand"><img src="/favicon.svg" alt="" width="22" height="22" /> robocurse</div>
      <label class="session-pick">Session
        <select value=${session ?? ''} onChange=${(e) => setSession(e.currentTarget.value)} aria-label="Session">
          ${session && !runs.some((r) => r.sessionId === session) ? html`<option value=${session}>${session}</option>` : null}
          ${runs.map((r) => html`<option value=${r.sessionId}>${r.sessionId} · ${r.state === 'running' ? 'running' : r.outcome ?? r.state}</option>`)}
        </select></label>
      <span class="spacer"></span>
      ${readOnly ? html`<span class="badge idle" data-testid="read-only">Read-only</span>` : null}
      <span class=${`conn ${conn.state}`} role="status" data-testid="connection" data-reconnects=${conn.reconnects}>
        ${conn.state === 'live' ? 'Live' : conn.state === 'reconnecting' ? (ended ? 'Disconnected' : 'Reconnecting…') : 'Connecting…'}</span>
    </header>
    <div class="sr-only" aria-live="polite" role="status">${message?.text ?? ''}</div>
    ${message ? html`<div class=${`toast ${message.bad ? 'bad' : ''}`} key=${message.at}>${message.text}
      <button type="button" class="link" onClick=${() => setMessage(null)} aria-label="Dismiss">×</button></div>` : null}
    ${!session ? html`<main class="centered"><section class="card narrow"><h1>No sessions yet</h1><p>Start a run (for example <code>robocurse run --all</code>); it appears here by itself.</p></section></main>` : html`
    <main class="layout">
      <div class="col-main">
        ${snap?.summary ? html`<${Summary} summary=${snap.summary} />` : null}
        <${RunHeader} snap=${snap} live=${running ? live : null} failedCount=${problems} />
        ${!readOnly && running ? html`<${Controls} session=${session} live=${live} running=${running} announce=${announce} />` : null}
        <${Profiles} profiles=${snap?.profiles} live=${running ? live : null} picked=${profileRunId} onPick=${setProfileRunId} />
        <${Chunks} session=${session} live=${running ? live : null} refresh=${tableTick} readOnly=${readOnly || !running} profileRunId=${profileRunId} announce=${announce} />
      </div>
      <div class="col-side">
        <${Errors} session=${session} refresh=${problemTick} onCount=${setProblems} announce=${announce} />
        <${EventFeed} events=${events} />
      </div>
      <div class="col-full"><${History} runs=${runs} current=${session} onPick=${setSession} /></div>
    </main>`}`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
