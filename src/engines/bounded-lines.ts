/**
 * Longest line kept, in UTF-16 code units. Paths in engine output can be long (robocopy allows
 * 32,767 characters, Linux paths have no hard limit below the line), so the bound is generous;
 * beyond it a line is noise or an attack, and keeping it whole would let one line of output cost
 * as much memory as the process has.
 */
export const MAX_LINE_CHARS = 64 * 1024;

/**
 * Splits decoded text into lines at CR and LF (a CRLF gives an empty line between, which callers
 * skip or ignore), in time linear in the input: each character is looked at once, and the
 * unterminated end waits as a list of pieces instead of being glued to every new chunk and
 * rescanned. A line longer than `maxLineChars` is cut to that length, the rest dropped as it
 * arrives (memory stays bounded), and counted in `truncatedLines`.
 */
export class BoundedLineSplitter {
  private parts: string[] = [];
  private kept = 0;
  private overflowed = false;
  private truncated = 0;

  constructor(private readonly maxLineChars: number = MAX_LINE_CHARS) {}

  /** Lines cut to maxLineChars so far. */
  get truncatedLines(): number { return this.truncated; }

  /** Delivers every line `text` completes; keeps the unterminated rest for the next call. */
  push(text: string, onLine: (line: string) => void): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        this.keep(text, start, i);
        onLine(this.take());
        start = i + 1;
      }
    }
    this.keep(text, start, text.length);
  }

  /** The unterminated text so far (at most maxLineChars long). */
  pending(): string {
    if (this.parts.length > 1) this.parts = [this.parts.join('')];
    return this.parts[0] ?? '';
  }

  /** Length of pending() without building it. */
  pendingLength(): number { return this.kept; }

  /** Delivers the last, unterminated line, if any. */
  flush(onLine: (line: string) => void): void {
    if (this.kept > 0 || this.overflowed) onLine(this.take());
  }

  private keep(text: string, from: number, to: number): void {
    if (to <= from || this.overflowed) return;
    const room = this.maxLineChars - this.kept;
    if (room <= 0) { this.overflowed = true; return; }
    let end = to;
    if (to - from > room) {
      this.overflowed = true;
      end = from + room;
      // Never end on the first half of a surrogate pair.
      const last = text.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff) end--;
    }
    if (end > from) {
      this.parts.push(text.slice(from, end));
      this.kept += end - from;
    }
  }

  private take(): string {
    const line = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
    if (this.overflowed) this.truncated++;
    this.parts = [];
    this.kept = 0;
    this.overflowed = false;
    return line;
  }
}
