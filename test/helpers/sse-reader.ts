import * as http from 'node:http';

export interface SseFrame { event: string; id?: number; data: unknown; comment?: string }

/**
 * A test reader of one SSE stream over a real socket (node:http, no browser): frames in order,
 * comments (heartbeats) included, and a way to wait for the next one.
 */
export class SseReader {
  readonly frames: SseFrame[] = [];
  status = 0;
  private buf = '';
  private waiters: (() => void)[] = [];
  private req?: http.ClientRequest;
  private res?: http.IncomingMessage;
  ended = false;

  static open(url: string, headers: Record<string, string>): Promise<SseReader> {
    const r = new SseReader();
    return new Promise((resolve, reject) => {
      r.req = http.get(url, { headers }, (res) => {
        r.res = res;
        r.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => r.take(chunk));
        res.on('end', () => { r.ended = true; r.wake(); });
        res.on('error', () => { r.ended = true; r.wake(); });
        resolve(r);
      });
      r.req.on('error', reject);
    });
  }

  private take(chunk: string): void {
    // One split per chunk: slicing the rest of a multi-megabyte buffer per frame is quadratic.
    const blocks = (this.buf + chunk).split('\n\n');
    this.buf = blocks.pop()!;
    for (const block of blocks) {
      const f: SseFrame = { event: 'message', data: undefined };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) { f.comment = line.slice(1).trim(); f.event = 'comment'; continue; }
        const i = line.indexOf(':');
        const k = line.slice(0, i); const v = line.slice(i + 1).replace(/^ /, '');
        if (k === 'event') f.event = v; else if (k === 'id') f.id = Number(v); else if (k === 'data') data.push(v);
      }
      if (data.length > 0) f.data = JSON.parse(data.join('\n'));
      this.frames.push(f);
    }
    this.wake();
  }

  private wake(): void { for (const w of this.waiters.splice(0)) w(); }

  /** Waits until `cond(frames)` holds, or fails after `ms` (a generous limit, not a timing check). */
  async waitFor(cond: (frames: SseFrame[]) => boolean, what: string, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (!cond(this.frames)) {
      if (this.ended) throw new Error(`stream ended while waiting for ${what}`);
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; ${this.frames.length} frames, the last: ${this.frames.slice(-10).map((f) => `${f.event}#${f.id ?? ''}`).join(' ')}`);
      await new Promise<void>((r) => { const t = setTimeout(r, Math.min(left, 200)); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }

  events(): SseFrame[] { return this.frames.filter((f) => f.event === 'run-event'); }

  /** Stops reading: the socket fills up and the server sees a stalled client. */
  pause(): void { this.res?.pause(); }

  resume(): void { this.res?.resume(); }

  close(): void { this.res?.destroy(); this.req?.destroy(); }
}
