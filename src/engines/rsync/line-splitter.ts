import { decodeName } from '../../fs/byte-names';

const EMPTY = Buffer.alloc(0);

/**
 * Splits a byte stream into lines at '\n' and at '\r': rsync redraws its progress line with a
 * bare carriage return, and each redraw is a line of its own to us. Lines are cut as bytes and
 * decoded whole, so a multi-byte character straddling two reads stays intact, and a name that is
 * not valid UTF-8 (rsync prints high bytes raw with --8-bit-output) comes out surrogate-escaped
 * (src/fs/byte-names) instead of as U+FFFD. Empty lines are dropped.
 */
export class LineSplitter {
  private pending: Buffer = EMPTY;

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const end = nextBreak(buf, start);
      if (end < 0) break;
      if (end > start) this.onLine(decodeName(buf.subarray(start, end)));
      start = end + 1;
    }
    // A copy: a view would keep the whole read buffer alive for the sake of a partial line.
    this.pending = start < buf.length ? Buffer.from(buf.subarray(start)) : EMPTY;
  }

  /** Delivers the last, unterminated line. */
  end(): void {
    const rest = this.pending;
    this.pending = EMPTY;
    if (rest.length > 0) this.onLine(decodeName(rest));
  }
}

/** Index of the first '\n' or '\r' at or after `from`, or -1. */
function nextBreak(buf: Buffer, from: number): number {
  const lf = buf.indexOf(10, from);
  const cr = buf.indexOf(13, from);
  if (lf < 0) return cr;
  if (cr < 0) return lf;
  return Math.min(lf, cr);
}
