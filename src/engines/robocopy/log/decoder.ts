import * as iconv from 'iconv-lite';
import { BoundedLineSplitter } from '../../bounded-lines';
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
 * CR and LF are harmless (the parser skips blanks). Linear time, lines bounded in length (see
 * BoundedLineSplitter): a log or console stream with one huge line costs neither quadratic time
 * nor unbounded memory.
 */
export class LineSplitter extends BoundedLineSplitter {}
