import * as iconv from 'iconv-lite';
import { cjkDateCount, evidenceScore, invalidWeight, summaryColumnsAligned } from './decoding-score';
import { RobocopyLogLineParser } from './line-parser';
import type { LogEncoding } from './types';

/**
 * Code pages tried when none is configured, in order of preference on a tie: robocopy writes
 * /LOG in the console's OEM page (the common ones first, the East-Asian double-byte pages among
 * them), and logs converted or written by other tools come in the Windows ANSI pages (125x).
 */
export const DEFAULT_CANDIDATE_CODE_PAGES: readonly number[] = [
  850, 437, 852, 866, 932, 936, 949, 950, 857, 737, 775, 855, 860, 861, 862, 863, 865, 869,
  1252, 1250, 1251, 1253, 1254, 1255, 1256, 1257, 1258,
];

export interface EncodingChoice {
  encoding: LogEncoding;
  /** Bytes of byte-order mark to skip (decoders here also drop a BOM, this is informational). */
  bomLength: number;
  reason: 'bom' | 'nul-pattern' | 'utf8-valid' | 'ascii' | 'option' | 'known' | 'guessed';
}

/** `850`, `'850'`, `'cp850'`, `'CP850'`, `'ibm850'` → `'cp850'`. */
export function codePageName(cp: number | string): LogEncoding {
  const digits = /(\d+)$/.exec(String(cp).trim());
  if (!digits) throw new Error(`not a code page: ${String(cp)}`);
  const name = `cp${Number(digits[1])}` as LogEncoding;
  if (!iconv.encodingExists(name)) throw new Error(`unsupported code page: ${String(cp)}`);
  return name;
}

/**
 * UTF-16 without a BOM shows as NUL in every other byte for the ASCII that dominates a robocopy
 * log (labels, digits, paths). Little-endian puts the NULs at odd offsets.
 */
function nulPattern(head: Buffer): 'utf16le' | 'utf16be' | null {
  const n = Math.min(head.length, 8192) & ~1;
  if (n < 4) return null;
  let even = 0; let odd = 0;
  for (let i = 0; i < n; i += 2) { if (head[i] === 0) even++; if (head[i + 1] === 0) odd++; }
  const half = n / 2;
  if (odd > half * 0.3 && even < half * 0.05) return 'utf16le';
  if (even > half * 0.3 && odd < half * 0.05) return 'utf16be';
  return null;
}

/** Drops bytes a window cut from the middle of a UTF-8 sequence at either end. */
function trimUtf8Window(buf: Buffer, cutStart: boolean): Buffer {
  let start = 0;
  if (cutStart) while (start < Math.min(3, buf.length) && (buf[start] & 0xc0) === 0x80) start++;
  let end = buf.length;
  for (let back = 1; back <= Math.min(4, end - start); back++) {
    const b = buf[end - back];
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (need > back) end -= back;
    break;
  }
  return buf.subarray(start, end);
}

function hasNonAscii(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) if (buf[i] > 0x7f) return true;
  return false;
}

function isValidUtf8(buf: Buffer): boolean {
  try { new TextDecoder('utf-8', { fatal: true }).decode(buf); return true; } catch { return false; }
}

const KANA = /[\u3040-\u30ff]/u;
const SCRIPTS: readonly [string, RegExp][] = [
  ['latin', /\p{Script=Latin}/u], ['cyrillic', /\p{Script=Cyrillic}/u], ['greek', /\p{Script=Greek}/u],
  ['cjk', /[\p{Script_Extensions=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}]/u],
  ['hangul', /\p{Script=Hangul}/u],
];
const LETTER = /[\p{L}\p{M}]/u;
const NEUTRAL = /[\p{P}\p{Zs}]/u;

/** What one character says about a word: neutral, bad (symbols, box drawing, U+FFFD), or its script. */
type CharClass = { kind: 'neutral' } | { kind: 'bad' } | { kind: 'letter'; script: string; kana: boolean; upper: boolean; lower: boolean; rare: boolean };

/**
 * Letters that real file names and robocopy labels almost never hold but wrong pages often
 * produce: Icelandic eth/thorn/y-acute (cp1252 for Turkish "ş", "ğ", "ı"; cp850 for Baltic
 * letters), ordinal indicators, the micro sign and the florin.
 */
const RARE = new Set([...'ðþÐÞýÝÿªºµƒ']);

function classify(ch: string): CharClass {
  if (NEUTRAL.test(ch)) return { kind: 'neutral' };
  if (!LETTER.test(ch)) return { kind: 'bad' };
  const s = SCRIPTS.find(([, re]) => re.test(ch));
  const upper = ch !== ch.toLowerCase();
  const lower = ch !== ch.toUpperCase();
  return { kind: 'letter', script: s ? s[0] : 'other', kana: KANA.test(ch), upper, lower, rare: RARE.has(ch) };
}

/**
 * How plausible a decoding is as human text: every word made of non-ASCII characters scores
 * +length when its letters all come from one script, −length when scripts mix (cp866 Russian
 * read as cp437 gives "Ω╨╬α"), −2×length when it holds symbols, box drawing or U+FFFD. Full-width
 * kana add a little, so Shift-JIS is preferred over GBK for Japanese on an otherwise equal score.
 * A word whose non-ASCII capital follows a small letter ("ЮЯ" inside "шЪа": Greek cp737 read as
 * cp866) counts as mixed, and each rare letter (RARE) costs 2.
 *
 * Characters are classified once per call: the Unicode property regexps cost tens of
 * microseconds a test, and a log's samples repeat a few hundred distinct characters thousands of
 * times (8 candidate code pages × ~200 kB of samples made guessing take seconds of CPU).
 */
export function textPlausibility(text: string): number {
  const classes = new Map<string, CharClass>();
  let score = 0;
  for (const word of text.split(/[\u0000-\u0040\u005b-\u0060\u007b-\u007f]+/u)) {
    if (word === '' || !/[^\u0000-\u007f]/u.test(word)) continue;
    const scripts = new Set<string>();
    let bad = false; let len = 0; let caseBreak = false; let prevLower = false;
    const chars = [...word];
    for (const [i, ch] of chars.entries()) {
      len++;
      let c = classes.get(ch);
      if (!c) { c = classify(ch); classes.set(ch, c); }
      if (c.kind === 'neutral') {
        // Western punctuation inside a word ("M„rz": cp850 "März" read as cp1252) is a wrong page.
        if (i > 0 && i < chars.length - 1 && ch < '\u3000') { bad = true; break; }
        continue;
      }
      if (c.kind === 'bad') { bad = true; break; }
      scripts.add(c.script);
      if (c.kana) score += 0.5;
      if (c.rare) score -= 2;
      if (c.upper && prevLower && ch > '\u007f') caseBreak = true;
      prevLower = c.lower;
    }
    score += bad ? -2 * len : scripts.size <= 1 && !caseBreak ? len : -len;
  }
  return score;
}

/** True when `text` holds a complete summary table (the structure every locale shares). */
function hasSummary(lines: readonly string[]): boolean {
  const p = new RobocopyLogLineParser();
  for (const line of lines) p.feed(line);
  return p.finish().jobs.length > 0;
}

/** Most of a log is ASCII and decodes alike in every page: only lines with other bytes are scored. */
const SCORED_BYTES = 48 * 1024;

/**
 * The whole lines of `windows` that hold a byte above 0x7F, up to SCORED_BYTES. A window cut from
 * the middle of the log starts and ends inside a line, maybe inside a double-byte character: its
 * first piece and any unterminated last piece are left out (the last window ends at the end of
 * the log, so its last line is whole), or the right page would be charged for the cut.
 */
function nonAsciiLines(windows: readonly Buffer[]): Buffer {
  const kept: Buffer[] = [];
  let size = 0;
  windows.forEach((w, index) => {
    // A window without any line break is one piece of a long line: scored whole, as better than nothing.
    const whole = index > 0 && w.indexOf(0x0a) < 0;
    let start = index === 0 || whole ? 0 : w.indexOf(0x0a) + 1;
    while (start < w.length && size < SCORED_BYTES) {
      let end = w.indexOf(0x0a, start);
      if (end < 0) {
        if (index < windows.length - 1 && !whole) break;
        end = w.length;
      }
      const line = w.subarray(start, end + 1);
      if (hasNonAscii(line)) { kept.push(line); size += line.length; }
      start = end + 1;
    }
  });
  return Buffer.concat(kept);
}

function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/**
 * Scores one candidate page. A summary that parses is worth most (the table is found by its
 * numbers, so any page that keeps ASCII finds it); the rest is the evidence of decoding-score.ts.
 */
function candidateScore(encoding: LogEncoding, tail: Buffer, scored: Buffer): number {
  const tailLines = splitLines(iconv.decode(tail, encoding));
  const text = iconv.decode(scored, encoding);
  const structure = hasSummary(tailLines) ? 1000 : 0;
  return structure + evidenceScore({
    aligned: summaryColumnsAligned(tailLines),
    dates: cjkDateCount(text),
    invalid: invalidWeight(text),
    words: textPlausibility(text),
  });
}

/**
 * Chooses the encoding of a robocopy log from byte samples (the head, the tail and a few windows
 * between, so non-ASCII names in the middle count too). Order: BOM; NUL pattern (UTF-16 without
 * BOM); valid UTF-8 with non-ASCII bytes; the configured code page; else each candidate code
 * page is scored (candidateScore: summary structure, column alignment, East-Asian dates,
 * characters no page would produce for real text, script consistency of words) and the best
 * wins, ties going to the earlier candidate. Pure-ASCII samples decode the same everywhere: the
 * configured code page, else UTF-8.
 */
export function detectLogEncoding(
  head: Buffer,
  others: readonly Buffer[],
  opts: { codePage?: number | string; candidateCodePages?: readonly (number | string)[] } = {},
): EncodingChoice {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8', bomLength: 3, reason: 'bom' };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', bomLength: 2, reason: 'bom' };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf16be', bomLength: 2, reason: 'bom' };
  const nul = nulPattern(head);
  if (nul) return { encoding: nul, bomLength: 0, reason: 'nul-pattern' };
  const windows = [trimUtf8Window(head, false), ...others.map((b) => trimUtf8Window(b, true))];
  if (!windows.some(hasNonAscii)) {
    return opts.codePage !== undefined
      ? { encoding: codePageName(opts.codePage), bomLength: 0, reason: 'option' }
      : { encoding: 'utf8', bomLength: 0, reason: 'ascii' };
  }
  if (windows.every(isValidUtf8)) return { encoding: 'utf8', bomLength: 0, reason: 'utf8-valid' };
  if (opts.codePage !== undefined) return { encoding: codePageName(opts.codePage), bomLength: 0, reason: 'option' };
  const candidates = (opts.candidateCodePages ?? DEFAULT_CANDIDATE_CODE_PAGES).map(codePageName);
  const tail = others.length > 0 ? others[others.length - 1] : head;
  const scored = nonAsciiLines([head, ...others]);
  let best: { encoding: LogEncoding; score: number } | null = null;
  for (const encoding of candidates) {
    const score = candidateScore(encoding, tail, scored);
    if (best === null || score > best.score) best = { encoding, score };
  }
  return { encoding: best!.encoding, bomLength: 0, reason: 'guessed' };
}
