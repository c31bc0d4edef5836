import type { ChildCost } from './child-cost';
import { median } from './timing';

/** One line of the results table: a contender's median and its ratio to the reference. */
export interface ResultRow {
  part: string;
  label: string;
  /** Median wall time in ms (or the value in `unit`). */
  value: number;
  unit: 'ms' | 'MiB' | 'faults' | 'µs';
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

/**
 * Two more groups for `part` from the same runs' costs (CPU time and minor page faults, each
 * process with its threads), with ratios to `refLabel`: where the wall-time ratio comes from.
 * Contenders without a measured cost (no /proc) are left out; none at all gives no rows.
 */
export function costRows(part: string, costs: Map<string, ChildCost[]>, refLabel: string): ResultRow[] {
  const measured = [...costs].filter(([, xs]) => xs.length > 0);
  if (!measured.some(([label]) => label === refLabel)) return [];
  const ref = (f: (c: ChildCost) => number): number => median(costs.get(refLabel)!.map(f));
  const rows: ResultRow[] = [];
  const cpu = (c: ChildCost): number => c.userMs + c.sysMs;
  for (const [label, xs] of measured) {
    const value = median(xs.map(cpu));
    rows.push({
      part: `${part}: CPU time (user + sys, all threads)`, label, value, unit: 'ms', samples: xs.map(cpu),
      note: `user ${median(xs.map((c) => c.userMs)).toFixed(0)} ms, sys ${median(xs.map((c) => c.sysMs)).toFixed(0)} ms`,
      ...(label === refLabel ? {} : { ratio: value / ref(cpu), ref: refLabel }),
    });
  }
  for (const [label, xs] of measured) {
    const value = median(xs.map((c) => c.minorFaults));
    rows.push({
      part: `${part}: minor page faults`, label, value, unit: 'faults', samples: xs.map((c) => c.minorFaults),
      ...(label === refLabel ? {} : { ratio: value / ref((c) => c.minorFaults), ref: refLabel }),
    });
  }
  return rows;
}

function fmtValue(r: ResultRow): string {
  if (r.unit === 'MiB') return `${r.value.toFixed(1)} MiB`;
  if (r.unit === 'faults') return `${Math.round(r.value).toLocaleString('en-US')}`;
  if (r.unit === 'µs') return `${r.value.toFixed(2)} µs`;
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
