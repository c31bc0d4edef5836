import { decodeName, encodeName } from '../../fs/byte-names';

/**
 * Undoes rsync's escaping of unprintable bytes in names (`\#ooo`, three octal digits). With
 * `--8-bit-output` only control characters are escaped and high bytes come raw; either way the
 * result is the name's bytes, returned as a string in which bytes that are not UTF-8 are
 * surrogate-escaped (src/fs/byte-names): the same string the scanner has for that file. `s` may
 * itself carry such escapes (a line read by LineSplitter).
 */
export function unescapeRsyncName(s: string): string {
  if (!s.includes('\\#')) return s;
  const bytes: number[] = [];
  const raw = encodeName(s);
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x5c && raw[i + 1] === 0x23 && /^[0-7]{3}$/.test(raw.subarray(i + 2, i + 5).toString('latin1'))) {
      bytes.push(parseInt(raw.subarray(i + 2, i + 5).toString('latin1'), 8));
      i += 4;
    } else {
      bytes.push(raw[i]);
    }
  }
  return decodeName(Buffer.from(bytes));
}
