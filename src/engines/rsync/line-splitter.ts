import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines at '\n' and at '\r': rsync redraws its progress line with a
 * bare carriage return, and each redraw is a line of its own to us. Decodes UTF-8 across chunk
 * boundaries (a name's multi-byte character may straddle two reads). Empty lines are dropped.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.consume(this.pending + this.decoder.write(chunk));
  }

  /** Delivers the last, unterminated line. */
  end(): void {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    if (rest !== '') this.onLine(rest);
  }

  private consume(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        if (i > start) this.onLine(text.slice(start, i));
        start = i + 1;
      }
    }
    this.pending = text.slice(start);
  }
}
