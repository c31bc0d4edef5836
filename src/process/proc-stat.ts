import * as fs from 'node:fs';

/** What /proc/<pid>/stat says of a process (Linux only). */
export interface ProcStat {
  pid: number;
  /** R, S, D, Z (zombie: it has exited), T (stopped), ... */
  state: string;
  ppid: number;
  pgrp: number;
  /** Start time in clock ticks after boot: with the boot id, tells a reused pid from the original. */
  startTicks: number;
}

/** The stat of `pid`, or undefined when there is no such process (or not on Linux). */
export function readProcStat(pid: number): ProcStat | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces or ')': split after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: f[0], ppid: Number(f[1]), pgrp: Number(f[2]), startTicks: Number(f[19]) };
  } catch {
    return undefined;
  }
}

/** Every live (not zombie) process whose process group is `pgrp`. */
export function processGroupMembers(pgrp: number): ProcStat[] {
  let names: string[];
  try { names = fs.readdirSync('/proc'); } catch { return []; }
  const out: ProcStat[] = [];
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    const st = readProcStat(Number(n));
    if (st && st.pgrp === pgrp && st.state !== 'Z') out.push(st);
  }
  return out;
}
