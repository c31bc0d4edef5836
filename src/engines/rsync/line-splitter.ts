import { decodeName } from '../../fs/byte-names';
import { MAX_LINE_CHARS } from '../bounded-lines';

/** Longest line kept, in bytes: room for MAX_LINE_CHARS characters of up to 4 bytes each would be
 * excessive for noise; one byte per character is what a path mostly takes. */
const MAX_LINE_BYTES = MAX_LINE_CHARS;

/**
 * Splits a byte stream into lines at '\n' and at '\r': rsync redraws its progress line with a
 * bare carriage return, and each redraw is a line of its own to us. Lines are cut as bytes and
 * decoded whole, so a multi-byte character straddling two reads stays intact, and a name that is
 * not valid UTF-8 (rsync prints high bytes raw with --8-bit-output) comes out surrogate-escaped
 * (src/fs/byte-names) instead of as U+FFFD. Empty lines are dropped.
 *
 * Linear time and bounded memory: each byte is looked at once, an unterminated end waits as a
 * list of pieces (never glued to every new read and rescanned), and a line longer than the bound
 * is cut, the rest dropped as it arrives and counted in `truncatedLines`.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private kept = 0;
  private overflowed = false;
  private truncated = 0;

  constructor(private readonly onLine: (line: string) => void, private readonly maxLineBytes = MAX_LINE_BYTES) {}

  /** Lines cut to the length bound so far. */
  get truncatedLines(): number { return this.truncated; }

  push(chunk: Buffer): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === 10 || c === 13) {
        if (this.kept === 0 && !this.overflowed) this.deliverWhole(chunk, start, i);
        else {
          this.keep(chunk, start, i);
          this.deliver();
        }
        start = i + 1;
      }
    }
    this.keep(chunk, start, chunk.length);
  }

  /** Delivers the last, unterminated line. */
  end(): void {
    this.deliver();
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    if (to <= from || this.overflowed) return;
    const room = this.maxLineBytes - this.kept;
    const end = Math.min(to, from + Math.max(0, room));
    if (end < to) this.overflowed = true;
    if (end > from) {
      // A copy: a view would keep the whole read buffer alive for the sake of a partial line.
      this.parts.push(Buffer.from(chunk.subarray(from, end)));
      this.kept += end - from;
    }
  }

  /**
   * A line that lies whole in one read (most do): decoded from the read itself, no copy made
   * first (the string is all that is kept), cut to the bound like any other.
   */
  private deliverWhole(chunk: Buffer, from: number, to: number): void {
    const end = Math.min(to, from + Math.max(0, this.maxLineBytes));
    if (end < to) this.truncated++;
    if (end > from) this.onLine(decodeName(chunk.subarray(from, end)));
  }

  private deliver(): void {
    if (this.kept === 0 && !this.overflowed) return;
    const line = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.kept);
    if (this.overflowed) this.truncated++;
    this.parts = [];
    this.kept = 0;
    this.overflowed = false;
    if (line.length > 0) this.onLine(decodeName(line));
  }
}
