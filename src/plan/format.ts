// One formatting module for every view (src/api/units.ts).
export { formatBytes, formatCount, formatDuration } from '../api/units';

/** Left-aligned text table; columns listed in `right` are right-aligned (numbers). */
export function table(rows: string[][], right: ReadonlySet<number>): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length); });
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 && !right.has(i) ? c
    : right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd());
}
