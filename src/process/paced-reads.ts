import type { Socket } from 'node:net';

/**
 * A read this large (three quarters of a Linux pipe, 64 KiB) means the pipe filled up during a
 * pause: that child writes faster than a paced reader drains it, so it is read as it writes from
 * then on and waits on a full pipe once at most. A shorter burst (rsync's list of deletions at the
 * start of a chunk: ~40 KiB for 1,000) keeps the pace.
 */
const FAST_READ_BYTES = 48 * 1024;

/** What pacing a pipe leaves to its owner. */
export interface PacedReads {
  /** Reads at once from now on (the process has exited: its last lines and its end come without delay). Idempotent. */
  stop(): void;
}

/**
 * Reads `socket` (a child's output pipe, made with `readableHighWaterMark: 1`) at most about every
 * `everyMs` while the child runs, instead of on every write. rsync writes a progress line every
 * few files, each a wake-up of the main thread, a read and a callback: ~2,500 in a 100k-file
 * re-run, ~0.1 s of a 2-CPU machine that rsync itself needed (docs/benchmarks.md, session 23).
 * Paced, the lines pile up in the pipe and come in a few reads; nothing is lost or reordered, and
 * a progress line is late by `everyMs` at most. A child that fills its pipe between two reads is
 * read as it writes from then on (FAST_READ_BYTES).
 *
 * How: after a read, the stream is paused for `everyMs`; with a high-water mark of one byte a
 * paused socket stops reading at the handle after one more chunk (Node's readStop), so the pipe
 * itself holds what the child writes meanwhile. The pause comes a turn after the read
 * (setImmediate), so whatever the stream had already buffered is delivered first.
 */
export function paceReads(socket: Socket, everyMs: number): PacedReads {
  let stopped = false;
  let pausing: NodeJS.Immediate | undefined;
  let paused: NodeJS.Timeout | undefined;
  const resume = (): void => {
    paused = undefined;
    socket.resume();
  };
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    if (pausing) clearImmediate(pausing);
    pausing = undefined;
    if (paused) {
      clearTimeout(paused);
      resume();
    }
  };
  socket.on('data', (b: Buffer) => {
    if (b.length >= FAST_READ_BYTES) stop();
    if (stopped || pausing || paused) return;
    pausing = setImmediate(() => {
      pausing = undefined;
      if (stopped) return;
      socket.pause();
      // Kept referenced: a paused pipe no longer holds the event loop open, this timer does.
      paused = setTimeout(resume, everyMs);
    });
  });
  socket.once('close', stop);
  return { stop };
}
