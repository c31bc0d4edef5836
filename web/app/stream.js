import { authHeader } from './api.js';

/**
 * One Server-Sent Events stream, read with fetch (EventSource cannot send the Authorization
 * header). Reconnects with backoff and sends Last-Event-ID, so the server replays exactly what
 * was missed, or a fresh snapshot when too much was.
 */
export function openStream(session, { onSnapshot, onEvent, onProgress, onStatus }) {
  let lastId = null;
  let stopped = false;
  let controller = null;
  let failures = 0;
  let reconnects = 0;

  const dispatch = (block) => {
    let event = 'message'; let id = null; const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    if (data.length === 0) return;
    const payload = JSON.parse(data.join('\n'));
    if (id !== null && /^\d+$/.test(id)) lastId = Number(id);
    if (event === 'snapshot') onSnapshot(payload);
    else if (event === 'run-event') onEvent(payload);
    else if (event === 'progress') onProgress(payload);
  };

  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const headers = { ...authHeader(), Accept: 'text/event-stream' };
        if (lastId !== null) headers['Last-Event-ID'] = String(lastId);
        const res = await fetch(`/api/v1/stream?session=${encodeURIComponent(session)}`, { headers, signal: controller.signal, cache: 'no-store', credentials: 'omit' });
        if (res.status === 401) { onStatus({ state: 'unauthorized', reconnects }); return; }
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        failures = 0;
        onStatus({ state: 'live', reconnects });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let cut;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            dispatch(block);
          }
        }
      } catch (err) {
        if (stopped) return;
      }
      if (stopped) return;
      reconnects++;
      onStatus({ state: 'reconnecting', reconnects });
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** failures++)));
    }
  };
  run();
  return { close() { stopped = true; controller?.abort(); } };
}
