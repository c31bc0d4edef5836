import { median } from './timing';

/** One line of the results table: a contender's median and its ratio to the reference. */
export interface ResultRow {
  part: string;
  label: string;
  /** Median wall time in ms (or the value in `unit`). */
  value: number;
  unit: 'ms' | 'MiB';
  samples: number[];
  /** Ratio to the reference row of the same group (e.g. robocurse / cp -a). */
  ratio?: number;
  ref?: string;
  /** The target, as text ("<= 1.3x cp -a"), and whether it was met. */
  target?: string;
  met?: boolean;
  note?: string;
}

/** Rows of one group measured in the same run: medians, and ratios to `refLabel`. */
export function groupRows(part: string, samples: Map<string, number[]>, refLabel: string): ResultRow[] {
  const ref = median(samples.get(refLabel) ?? [NaN]);
  return [...samples].map(([label, xs]) => {
    const value = median(xs);
    return { part, label, value, unit: 'ms' as const, samples: xs, ...(label === refLabel ? {} : { ratio: value / ref, ref: refLabel }) };
  });
}

/** Marks `row` against a ratio target; returns it for chaining. */
export function withTarget(row: ResultRow | undefined, maxRatio: number, text: string): ResultRow | undefined {
  if (row?.ratio !== undefined) { row.target = text; row.met = row.ratio <= maxRatio; }
  return row;
}

function fmtValue(r: ResultRow): string {
  if (r.unit === 'MiB') return `${r.value.toFixed(1)} MiB`;
  return r.value >= 10_000 ? `${(r.value / 1000).toFixed(2)} s` : `${r.value.toFixed(0)} ms`;
}

/** The results as a Markdown table. */
export function markdownTable(rows: readonly ResultRow[]): string {
  const lines = ['| part | contender | median | ratio | target | met |', '|---|---|---:|---:|---|---|'];
  for (const r of rows) {
    const ratio = r.ratio !== undefined ? `${r.ratio.toFixed(2)}× ${r.ref}` : '';
    const met = r.met === undefined ? '' : r.met ? 'yes' : '**no**';
    lines.push(`| ${r.part} | ${r.label}${r.note ? ` (${r.note})` : ''} | ${fmtValue(r)} | ${ratio} | ${r.target ?? ''} | ${met} |`);
  }
  return `${lines.join('\n')}\n`;
}
