/**
 * File names are bytes on POSIX. Node decodes names as UTF-8 and replaces bytes that are not
 * valid UTF-8 with U+FFFD, after which the name no longer reaches the file (ENOENT). robocurse
 * carries such names as strings in which each undecodable byte 0xNN is the lone surrogate
 * U+DCNN (Python's "surrogateescape", PEP 383). Valid UTF-8 never decodes to a lone surrogate, so
 * the mapping is unambiguous and round-trips; names that are valid UTF-8 are ordinary strings and
 * cost nothing extra. Before a name reaches the file system it goes through `fsPath`, which turns
 * escaped strings back into the original bytes.
 *
 * SQLite and JSON cannot hold lone surrogates (they become U+FFFD): names are shown to humans
 * through `displayName` (`\xNN`) and stored through `storeName` / `loadName`, which round-trip.
 */

const LOW = 0xdc80;
const HIGH = 0xdcff;
/**
 * Any lone surrogate in the escape range; a fast test that a string needs no work. The `u` flag
 * matters: without it the class also matches the second half of a real surrogate pair (one in
 * eight characters outside the BMP, e.g. U+1F4A9 is D83D DCA9), and such names were shown and
 * stored mangled.
 */
const ESCAPED = /[\udc80-\udcff]/u;

/** True when `s` carries escaped bytes (and so must go to the file system as a Buffer). */
export function hasEscapedBytes(s: string): boolean {
  return ESCAPED.test(s);
}

/** A file name or path read as bytes → string (surrogate-escaped where not valid UTF-8). */
export function decodeName(buf: Buffer): string {
  const s = buf.toString('utf8');
  if (!s.includes('\ufffd')) return s;
  // Slow path: decode by hand so that each invalid byte maps to its own escape, and a real
  // U+FFFD in the name (valid UTF-8: EF BF BD) stays a U+FFFD.
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const n = validSequenceLength(buf, i);
    if (n === 0) { out += String.fromCharCode(LOW + buf[i] - 0x80); i++; continue; }
    out += buf.toString('utf8', i, i + n);
    i += n;
  }
  return out;
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 (RFC 3629: no overlongs, no surrogates). */
function validSequenceLength(b: Buffer, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k: number): boolean => i + k < b.length && (b[i + k] & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    const c1 = b[i + 1];
    if (c === 0xe0 && c1 < 0xa0) return 0; // overlong
    if (c === 0xed && c1 >= 0xa0) return 0; // UTF-16 surrogate range
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const c1 = b[i + 1];
    if (c === 0xf0 && c1 < 0x90) return 0;
    if (c === 0xf4 && c1 >= 0x90) return 0;
    return 4;
  }
  return 0;
}

/** String (possibly escaped) → the exact bytes of the name. */
export function encodeName(s: string): Buffer {
  if (!hasEscapedBytes(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= LOW && code <= HIGH) {
      if (run) { parts.push(Buffer.from(run, 'utf8')); run = ''; }
      parts.push(Buffer.of(code - LOW + 0x80));
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) {
      run += s[i] + s[i + 1];
      i++;
    } else {
      run += s[i];
    }
  }
  if (run) parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

/** What to hand to `fs`: the string itself when it is plain, else the original bytes. */
export function fsPath(s: string): string | Buffer {
  return hasEscapedBytes(s) ? encodeName(s) : s;
}

/**
 * A name or path for humans and logs: escaped bytes become `\xNN`. A backslash is doubled only
 * when the string also carries escapes, so ordinary (and Windows) paths read as they are.
 */
export function displayName(s: string): string {
  if (!hasEscapedBytes(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) {
      // A real pair (its low half may lie in the escape range): one character, kept.
      out += s[i] + s[i + 1];
      i++;
    } else if (code >= LOW && code <= HIGH) out += `\\x${(code - LOW + 0x80).toString(16).toUpperCase()}`;
    else if (s[i] === '\\') out += '\\\\';
    else out += s[i];
  }
  return out;
}

/** Marks a stored name that carries escapes; NUL never occurs in a file name or path. */
const STORED_ESCAPED = '\u0000';

/**
 * A name or path for SQLite and JSON state, which cannot hold lone surrogates: plain strings as
 * they are, escaped ones as NUL + `displayName` (so a plain name that happens to contain `\x80`
 * is never mistaken for an escape).
 */
export function storeName(s: string): string {
  return hasEscapedBytes(s) ? STORED_ESCAPED + displayName(s) : s;
}

/** Inverse of `storeName`. */
export function loadName(d: string): string {
  if (!d.startsWith(STORED_ESCAPED)) return d;
  let out = '';
  for (let i = 1; i < d.length; i++) {
    if (d[i] === '\\' && d[i + 1] === '\\') { out += '\\'; i++; continue; }
    const m = d[i] === '\\' && d[i + 1] === 'x' ? /^[89A-F][0-9A-F]/.exec(d.slice(i + 2, i + 4)) : null;
    if (m) { out += String.fromCharCode(LOW + parseInt(m[0], 16) - 0x80); i += 3; continue; }
    out += d[i];
  }
  return out;
}
