import { StringDecoder } from 'node:string_decoder';
import * as iconv from 'iconv-lite';
import { BoundedLineSplitter } from '../../bounded-lines';
import type { LogEncoding } from './types';

/** Incremental bytes → text; safe across chunk boundaries that split a character. */
export interface StreamDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

/**
 * A streaming decoder. UTF-8 uses the built-in TextDecoder (fast, drops a BOM). UTF-16LE uses
 * Node's StringDecoder, which keeps a lone surrogate as it is where TextDecoder would write
 * U+FFFD: a Windows name may hold one (NTFS names are any 16-bit units), and a /UNILOG log names
 * such a file exactly only if it survives (on POSIX it is byte-names.ts's escape of a byte that
 * is not UTF-8). UTF-16BE and the OEM code pages use iconv-lite's stateful decoders.
 */
export function createStreamDecoder(encoding: LogEncoding): StreamDecoder {
  if (encoding === 'utf8') {
    const td = new TextDecoder('utf-8');
    return { write: (c) => td.decode(c, { stream: true }), end: () => td.decode() };
  }
  if (encoding === 'utf16le') {
    const sd = new StringDecoder('utf16le');
    let start = true;
    const noBom = (s: string): string => {
      if (!start || s === '') return s;
      start = false;
      return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
    };
    return { write: (c) => noBom(sd.write(c)), end: () => noBom(sd.end()) };
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
