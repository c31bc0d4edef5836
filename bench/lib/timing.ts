import { spawnSync } from 'node:child_process';
import { costBetween, waitedChildrenCost, type ChildCost } from './child-cost';

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall time of an async call in ms (high-resolution clock). */
export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Result of running a command to completion. */
export interface CommandRun {
  ms: number;
  status: number | null;
  stdout: string;
  stderr: string;
  /** Its CPU time and page faults, threads and its own children included (Linux only). */
  cost?: ChildCost;
}

/** Runs `cmd` with an argv array (no shell) and times the whole process. */
export function timeCommand(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): CommandRun {
  const before = waitedChildrenCost();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...(env ? { env } : {}) });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cost = costBetween(before, waitedChildrenCost());
  if (r.error) throw r.error;
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr, ...(cost ? { cost } : {}) };
}

/** Formats ms with one decimal. */
export function fmtMs(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}
