import { StringDecoder } from 'node:string_decoder';
import { BoundedLineSplitter } from '../bounded-lines';

/**
 * Splits a byte stream into lines at '\n' and at '\r': rsync redraws its progress line with a
 * bare carriage return, and each redraw is a line of its own to us. Decodes UTF-8 across chunk
 * boundaries (a name's multi-byte character may straddle two reads). Empty lines are dropped.
 * Linear time and bounded lines (BoundedLineSplitter): `truncatedLines` counts lines cut short.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private readonly lines: BoundedLineSplitter;
  private readonly deliver: (line: string) => void;

  constructor(onLine: (line: string) => void, maxLineChars?: number) {
    this.lines = new BoundedLineSplitter(maxLineChars);
    this.deliver = (line) => { if (line !== '') onLine(line); };
  }

  /** Lines cut to the length bound so far. */
  get truncatedLines(): number { return this.lines.truncatedLines; }

  push(chunk: Buffer): void {
    this.lines.push(this.decoder.write(chunk), this.deliver);
  }

  /** Delivers the last, unterminated line. */
  end(): void {
    this.lines.push(this.decoder.end(), this.deliver);
    this.lines.flush(this.deliver);
  }
}
