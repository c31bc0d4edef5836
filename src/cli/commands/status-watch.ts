import type { SessionStatus } from '../../state/status-query';
import type { StateStore } from '../../state';
import type { CliIo } from '../io';

/** ANSI: cursor home and clear screen; the next frame replaces the last one in place. */
const CLEAR = '\x1b[H\x1b[2J';

export interface WatchOptions {
  session?: string;
  intervalMs: number;
  render(s: SessionStatus | undefined): string;
  /** One frame per line (--json), instead of frames replacing each other on a terminal. */
  lines: boolean;
}

/**
 * `robocurse status --watch`: renders the session every interval until it has ended (or was
 * interrupted), then once more, and returns. On a terminal each frame replaces the previous one;
 * elsewhere (a pipe, a log) frames follow each other, separated by a blank line, or one JSON
 * document per line with --json. Ctrl-C ends the watch (exit 0); the run itself goes on.
 */
export async function watchStatus(store: StateStore, io: CliIo, o: WatchOptions): Promise<void> {
  let stop = false;
  let wake: (() => void) | undefined;
  const onSigint = (): void => { stop = true; wake?.(); };
  process.on('SIGINT', onSigint);
  // The session is chosen once: a newer session starting meanwhile does not switch the view.
  let sessionId = o.session;
  try {
    for (let frame = 0; ; frame++) {
      const st = store.status(sessionId);
      sessionId ??= st?.run.sessionId;
      const text = o.render(st);
      if (o.lines) io.stdout.write(`${text.trimEnd().replace(/\n\s*/g, ' ')}\n`);
      else if (io.stdout.isTTY) io.stdout.write(`${CLEAR}${text}`);
      else io.stdout.write(`${frame > 0 ? '\n' : ''}${text}`);
      if (stop || (st && st.state !== 'running')) return;
      await new Promise<void>((resolve) => { wake = resolve; setTimeout(resolve, o.intervalMs); });
      wake = undefined;
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}
