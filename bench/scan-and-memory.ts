/**
 * Scan + plan against du -s and fpart (bench/scan-bench.js, run as a child and its table read
 * back), and the peak RSS of planning the 1M-file tree: scan-bench's figure for the scan + plan
 * library calls, and `robocurse plan` as a whole CLI process (measured by /usr/bin/time).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { ResultRow } from './lib/report';
import { timeCommand } from './lib/timing';
import { WORK } from './copy-bench';

const SCAN_BENCH = path.join(__dirname, 'scan-bench.js');

function runScanBench(args: string[], log: (s: string) => void): string {
  const r = spawnSync(process.execPath, [SCAN_BENCH, ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`scan-bench ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  for (const line of r.stdout.split('\n')) if (line) log(`  ${line}`);
  return r.stdout;
}

export function scanRows(reps: number, log: (s: string) => void): ResultRow[] {
  const out = runScanBench(['--reps', String(reps)], log);
  const rows: ResultRow[] = [];
  for (const line of out.split('\n')) {
    const m = /^(.+?)\s+([\d.]+) ms\s+([\d.]+)x du$/.exec(line);
    if (!m) continue;
    const label = m[1].trim();
    const isDu = label === 'du -s';
    const row: ResultRow = {
      part: 'scan + plan, tree-100k (100,000 files, 2,000 dirs)', label, value: Number(m[2]), unit: 'ms', samples: [],
      ...(isDu ? {} : { ratio: Number(m[3]), ref: 'du -s' }),
    };
    if (label.startsWith('robocurse')) { row.target = '≤ 1.2× du -s'; row.met = row.ratio! <= 1.2; }
    rows.push(row);
  }
  return rows;
}

export function memoryRows(cli: string, log: (s: string) => void): ResultRow[] {
  const out = runScanBench(['--memory'], log);
  const rows: ResultRow[] = [];
  const m = /peak RSS ([\d.]+) MiB/.exec(out);
  if (m) rows.push({ part: 'peak RSS, plan of tree-1m (1,000,000 files, 20,000 dirs)', label: 'scan + plan (library, one process)', value: Number(m[1]), unit: 'MiB', samples: [], target: '≤ 256 MiB', met: Number(m[1]) <= 256 });
  // The whole CLI: config, DI container, workers, chunker and the rendered plan.
  const dir = path.join(WORK, 'memory');
  fs.mkdirSync(dir, { recursive: true });
  const cfg = path.join(dir, 'robocurse.json');
  fs.writeFileSync(cfg, JSON.stringify({
    version: 1,
    global: { logDir: path.join(dir, 'logs'), stateDir: path.join(dir, 'state') },
    profiles: { bench: { source: path.join(WORK, 'tree-1m'), destination: path.join(dir, 'dst') } },
  }));
  const r = timeCommand('/usr/bin/time', ['-f', 'ROBOCURSE-RSS %M %e', process.execPath, cli, 'plan', '--config', cfg, '--all', '--json']);
  const t = /ROBOCURSE-RSS (\d+) ([\d.]+)/.exec(r.stderr);
  if (r.status !== 0 || !t) throw new Error(`robocurse plan exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  const mib = Number(t[1]) / 1024;
  log(`  robocurse plan (CLI) on tree-1m: peak RSS ${mib.toFixed(1)} MiB in ${t[2]} s`);
  rows.push({ part: 'peak RSS, plan of tree-1m (1,000,000 files, 20,000 dirs)', label: '`robocurse plan` (whole CLI process)', value: mib, unit: 'MiB', samples: [], target: '≤ 256 MiB', met: mib <= 256 });
  return rows;
}
