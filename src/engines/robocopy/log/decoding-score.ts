import { parseSizeColumns } from './numbers';

/**
 * How a candidate decoding of a robocopy log reads, as evidence for choosing its code page. Every
 * signal is something a right decoding has and a wrong one loses:
 * - `aligned`: robocopy pads the summary labels and column headers to fixed widths in characters
 *   (it formats wide strings), so in the right decoding the Dirs/Files/Bytes rows end their first
 *   number at the same column. Reading a double-byte page as single bytes (or the reverse) widens
 *   or narrows each localised label by a different amount and the columns no longer line up.
 * - `dates`: East-Asian dates ("2024年4月27日", "2019년 7월 26일") survive only in their own page.
 * - `invalid`: U+FFFD (a byte or pair the page does not define), C1 controls (U+0080-U+009F, which
 *   no robocopy text contains), private-use and half-width-katakana characters (what GBK or Big5
 *   bytes read as Shift-JIS look like), rare ideographs (CJK extension A, compatibility forms).
 * - `words`: script consistency of the non-ASCII words (textPlausibility).
 */
export interface DecodingEvidence {
  aligned: boolean;
  dates: number;
  invalid: number;
  words: number;
}

/** The evidence as one number: structure first, then dates, then clean text. */
export function evidenceScore(e: DecodingEvidence): number {
  return (e.aligned ? 400 : 0) + 60 * Math.min(e.dates, 20) - e.invalid + e.words;
}

const SUMMARY_ROW = /^(\s*[^:\s][^:]*?\s*:)(\s*\S+(?:\s[kmgt])?)/;
const DASHES = /^\s*-{20,}\s*$/;

/**
 * True when some summary table in `lines` has its Dirs, Files and Bytes rows ending their first
 * number at one column. Tables whose labels are all ASCII say nothing and are skipped.
 */
export function summaryColumnsAligned(lines: readonly string[]): boolean {
  for (let i = 0; i < lines.length; i++) {
    if (!DASHES.test(lines[i])) continue;
    const rows: string[] = [];
    for (let j = i + 1; j < lines.length && rows.length < 4; j++) {
      const l = lines[j];
      if (l.trim() === '') continue;
      if (DASHES.test(l)) break;
      rows.push(l);
    }
    // rows[0] is the column header; rows 1-3 the Dirs, Files and Bytes rows.
    const body = rows.slice(1, 4);
    if (body.length < 3 || !body.every((r) => r.includes(':') && parseSizeColumns(r.slice(r.indexOf(':') + 1)) !== null)) continue;
    if (body.every((r) => !/[^\x00-\x7f]/.test(r.slice(0, r.indexOf(':'))))) continue;
    const ends = body.map((r) => { const m = SUMMARY_ROW.exec(r); return m ? m[1].length + m[2].length : -1; });
    if (ends[0] > 0 && ends.every((e) => e === ends[0])) return true;
  }
  return false;
}

// 年/년, 月/월, 日/일 as escapes: one non-ASCII character in the CLI bundle makes V8 hold its whole
// source as a two-byte string (~10 ms of every start; scripts/bundle-cli.js refuses one).
/** Year-month-day written with the East-Asian date characters, as robocopy's Started/Ended lines. */
const CJK_DATE = /\d{2,4}\s?[\u5E74\uB144]\s?\d{1,2}\s?[\u6708\uC6D4]\s?\d{1,2}\s?[\u65E5\uC77C]/gu;

export function cjkDateCount(text: string): number {
  return text.match(CJK_DATE)?.length ?? 0;
}

/** Characters no robocopy log holds in its own page, weighted by how sure a sign of a wrong page they are. */
export function invalidWeight(text: string): number {
  let w = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c === 0xfffd) w += 20;
    else if (c <= 0x9f) w += 10;
    else if (c >= 0xe000 && c <= 0xf8ff) w += 10;
    else if (c >= 0xff61 && c <= 0xff9f) w += 3;
    else if ((c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)) w += 5;
  }
  return w;
}
