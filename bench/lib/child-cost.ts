import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

/**
 * What a finished child process cost besides its wall time (issue #17: where the time of a
 * re-run goes): CPU in user space and in the kernel, and minor page faults (each a page of
 * memory touched for the first time). A process's counters include all its threads.
 */
export interface ChildCost {
  userMs: number;
  sysMs: number;
  minorFaults: number;
}

/**
 * The counters of every child this process has waited for so far (Linux: /proc/self/stat's
 * cminflt, cutime, cstime, in clock ticks of 10 ms), or undefined where /proc has none. A
 * spawnSync waits for its child, so the difference around one is that child's cost.
 */
export function waitedChildrenCost(): ChildCost | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync('/proc/self/stat', 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): field n is f[n - 3].
  const tick = 10; // USER_HZ is 100 on every Linux ABI Node.js runs on
  return { minorFaults: Number(f[11 - 3]), userMs: Number(f[16 - 3]) * tick, sysMs: Number(f[17 - 3]) * tick };
}

/** `after` minus `before`, or undefined when either is. */
export function costBetween(before: ChildCost | undefined, after: ChildCost | undefined): ChildCost | undefined {
  if (!before || !after) return undefined;
  return { userMs: after.userMs - before.userMs, sysMs: after.sysMs - before.sysMs, minorFaults: after.minorFaults - before.minorFaults };
}

/**
 * What touching memory for the first time costs here, in µs per 4 KiB page: a new 16 MiB
 * buffer written once per page (each write a minor fault), each in a fresh `node` (a freed
 * buffer's pages could be handed out again in one process), the median of 5. Usually well
 * under 1 µs; ~16 µs on the 2-core VM of docs/benchmarks.md (session 14), where the host backs
 * the guest's memory lazily.
 */
export function firstTouchMicrosPerPage(): number {
  const script = 'const n=16<<20,b=new Uint8Array(new ArrayBuffer(n)),t=process.hrtime.bigint();'
    + 'for(let o=0;o<n;o+=4096)b[o]=1;process.stdout.write(String(Number(process.hrtime.bigint()-t)/1000/(n/4096)))';
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`first-touch probe failed: ${out.stderr}`);
    runs.push(Number(out.stdout));
  }
  return runs.sort((a, b) => a - b)[2];
}
