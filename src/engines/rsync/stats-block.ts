import type { RsyncTotals } from './parse-protocol';

/**
 * A whole number as rsync prints it: raw digits with `--no-human-readable`, or grouped with ','
 * (or '.' in locales whose decimal point is ',') by default in rsync 3.1+. The fields read here
 * are all integers, so every separator can be dropped.
 */
export function parseRsyncInt(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d{1,3}(?:[,.']?\d{3})*$|^\d+$/.test(t)) return undefined;
  return Number(t.replace(/[,.']/g, ''));
}

/** `reg: 6, dir: 4, link: 1` (with grouped numbers too) → { reg: 6, dir: 4, link: 1 }. */
function breakdown(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!text) return out;
  for (const m of text.matchAll(/([a-z]+): (\d[\d,.']*?)(?=,? [a-z]+: |,?$)/g)) {
    const n = parseRsyncInt(m[2]);
    if (n !== undefined) out[m[1]] = n;
  }
  return out;
}

const COUNT = String.raw`(\d[\d,.']*)(?: \((.*)\))?`;
const LINES: ReadonlyArray<readonly [RegExp, (m: RegExpMatchArray, t: RsyncTotals) => void]> = [
  [new RegExp(`^Number of files: ${COUNT}$`), (m, t) => {
    t.files = parseRsyncInt(m[1]);
    // rsync < 3.1 gives no breakdown; 'reg' is then unknown.
    const b = breakdown(m[2]);
    if (b.reg !== undefined) t.regularFiles = b.reg;
  }],
  [new RegExp(`^Number of created files: ${COUNT}$`), (m, t) => { t.createdDirs = breakdown(m[2]).dir ?? 0; }],
  [new RegExp(`^Number of deleted files: ${COUNT}$`), (m, t) => { t.deletedFiles = parseRsyncInt(m[1]); }],
  // "Number of files transferred" is rsync < 3.1's name for the same counter.
  [/^Number of (?:regular )?files transferred: (\d[\d,.']*)$/, (m, t) => { t.regularFilesTransferred = parseRsyncInt(m[1]); }],
  [/^Total file size: (\d[\d,.']*) bytes$/, (m, t) => { t.totalFileSize = parseRsyncInt(m[1]); }],
  [/^Total transferred file size: (\d[\d,.']*) bytes$/, (m, t) => { t.transferredFileSize = parseRsyncInt(m[1]); }],
];

/**
 * Reads the `--stats` block from rsync's stdout. Returns null when there is none (the block is
 * printed only when rsync completes its run, also with errors, but not when killed). The last
 * block wins, should stdout hold several.
 */
export function parseStatsBlock(stdout: string): RsyncTotals | null {
  let totals: RsyncTotals | null = null;
  for (const rawLine of stdout.split(/[\r\n]+/)) {
    const line = rawLine.trimEnd();
    if (line.startsWith('Number of files: ')) totals = {};
    if (totals === null) continue;
    for (const [re, apply] of LINES) {
      const m = line.match(re);
      if (m) { apply(m, totals); break; }
    }
  }
  return totals;
}
