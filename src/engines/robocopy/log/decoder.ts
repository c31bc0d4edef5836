import * as iconv from 'iconv-lite';
import type { LogEncoding } from './types';

/** Incremental bytes → text; safe across chunk boundaries that split a character. */
export interface StreamDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

/**
 * A streaming decoder. UTF-8 and UTF-16LE use the built-in TextDecoder (fast, drops a BOM);
 * UTF-16BE and the OEM code pages use iconv-lite's stateful decoders.
 */
export function createStreamDecoder(encoding: LogEncoding): StreamDecoder {
  if (encoding === 'utf8' || encoding === 'utf16le') {
    const td = new TextDecoder(encoding === 'utf8' ? 'utf-8' : 'utf-16le');
    return { write: (c) => td.decode(c, { stream: true }), end: () => td.decode() };
  }
  const d = iconv.getDecoder(encoding);
  return { write: (c) => d.write(c), end: () => d.end() ?? '' };
}

/**
 * Splits decoded text into lines at CR, LF and CRLF. Robocopy redraws progress with bare CRs
 * ("file\r  12%\r100%\r\n"), so a CR is a line break too; the blank lines this yields between
 * CR and LF are harmless (the parser skips blanks).
 */
export class LineSplitter {
  private rest = '';

  /** Complete lines in `text` (the unterminated end is kept for the next call). */
  push(text: string, onLine: (line: string) => void): void {
    const s = this.rest + text;
    let start = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 10 || c === 13) {
        onLine(s.slice(start, i));
        start = i + 1;
      }
    }
    this.rest = s.slice(start);
  }

  /** The unterminated text so far (a `  12%` redraw often waits here for its CR). */
  pending(): string {
    return this.rest;
  }

  /** The last, unterminated line, if any. */
  flush(onLine: (line: string) => void): void {
    if (this.rest !== '') onLine(this.rest);
    this.rest = '';
  }
}
