/**
 * Every benchmark of issue #10, in one run, with medians, ratios and the targets:
 *   npm run bench                       (builds, then runs everything; ~20-30 min on 2 cores)
 *   node dist/bench/run-all.js --only startup,orch --reps 5
 * Parts: startup, scan, copy, rerun, changed (1 % changed, mirror), memory, orch. Flags:
 *   --only a,b        parts to run (default all)
 *   --reps N          repetitions per contender (default 5; copy and rerun default 3)
 *   --dest tmpfs,disk destinations of the copy parts (default both)
 *   --trees small,large,huge  trees of the copy parts (default small,large; rerun uses small unless given;
 *                     huge is the 1M-file tree, for rerun: `--only rerun --trees huge`)
 *   --skip fpsync     leave contenders out (prefix match)
 *   --cli PATH        the CLI script (default bin/robocurse.js, or this build's launcher)
 *   --before PATH     another build's CLI, run alternately by startup, rerun and changed ("before")
 *   --out FILE        also write the rows as JSON (default bench/.work/results/<date>.json)
 * Trees are generated once under bench/.work/ and reused. Read ratios, not absolutes: the
 * contenders alternate within one run, so load from other processes hits them alike. The re-run
 * parts also give each contender's CPU time and page faults, and the machine's cost of a fault.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { firstTouchMicrosPerPage } from './lib/child-cost';
import { changedReruns, cleanUp, fullCopies, unchangedReruns, WORK, type DestKind, type TreeKind } from './copy-bench';
import { median } from './lib/timing';
import { markdownTable, type ResultRow } from './lib/report';
import type { OrchestrationRun } from './orchestration-bench';
import { memoryRows, scanRows } from './scan-and-memory';
import { startupRows } from './startup-bench';

const PARTS = ['startup', 'scan', 'copy', 'rerun', 'changed', 'memory', 'orch'] as const;
type Part = typeof PARTS[number];

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function list<T extends string>(name: string, allowed: readonly T[], dflt: readonly T[]): T[] {
  const v = flag(name);
  if (v === undefined) return [...dflt];
  const xs = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const x of xs) if (!allowed.includes(x as T)) throw new Error(`${name}: unknown '${x}' (expected ${allowed.join(', ')})`);
  return xs as T[];
}

/** bin/robocurse.js when this is the real build (dist/), else this build's own launcher. */
function defaultCli(): string {
  const repo = path.resolve(__dirname, '..', '..');
  return path.basename(path.dirname(__dirname)) === 'dist' ? path.join(repo, 'bin', 'robocurse.js') : path.join(__dirname, 'robocurse-cli.js');
}

function orchestrationRows(reps: number, log: (s: string) => void): ResultRow[] {
  const rows: ResultRow[] = [];
  const cases: Array<{ journal: 'null' | 'sqlite'; reps: number; label: string }> = [
    { journal: 'null', reps, label: 'Orchestrator + SimulatedCopier, no journal' },
    { journal: 'sqlite', reps: Math.max(1, Math.floor(reps / 3)), label: 'same, with the SQLite StateJournal (synchronous=FULL)' },
  ];
  for (const c of cases) {
    const r = spawnSync(process.execPath, [path.join(__dirname, 'orchestration-bench.js'), '--chunks', '10000', '--reps', String(c.reps), '--journal', c.journal], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`orchestration-bench exited ${r.status}: ${r.stderr}`);
    const runs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as OrchestrationRun);
    if (runs.some((x) => x.chunksOk !== 10_000)) throw new Error(`orchestration-bench: not every chunk completed: ${r.stdout}`);
    const ms = runs.map((x) => x.ms);
    const m = median(ms);
    log(`  ${c.label}: median ${m.toFixed(0)} ms (${((m * 1000) / 10_000).toFixed(0)} µs per chunk) of ${ms.map((x) => x.toFixed(0)).join(', ')}`);
    rows.push({
      part: '10,000 zero-cost simulated chunks, in-process, 4 jobs', label: c.label, value: m, unit: 'ms', samples: ms,
      note: `${((m * 1000) / 10_000).toFixed(0)} µs/chunk`,
      ...(c.journal === 'null' ? { target: '≤ 1 s overhead', met: m <= 1000 } : {}),
    });
  }
  return rows;
}

async function main(): Promise<void> {
  const parts = list('--only', PARTS, PARTS);
  const repsFlag = flag('--reps');
  const reps = (dflt: number): number => (repsFlag ? Number(repsFlag) : dflt);
  const cli = flag('--cli') ?? defaultCli();
  const before = flag('--before');
  const log = (s: string): void => { process.stderr.write(`${s}\n`); };
  const copyOpts = {
    dests: list<DestKind>('--dest', ['tmpfs', 'disk'], ['tmpfs', 'disk']),
    trees: list<TreeKind>('--trees', ['small', 'large', 'huge'], ['small', 'large']),
    skip: (flag('--skip') ?? '').split(',').filter(Boolean),
    cli, log, ...(before ? { before } : {}),
  };
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, Linux ${os.release()}, Node ${process.version}`;
  log(`robocurse benchmarks: ${parts.join(', ')}; CLI ${cli}\nmachine: ${machine}`);
  const rows: ResultRow[] = [];
  const step = (name: Part, fn: () => ResultRow[]): void => {
    if (!parts.includes(name)) return;
    log(`\n== ${name}`);
    const t0 = performance.now();
    rows.push(...fn());
    log(`   (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  };
  if (parts.some((p) => p === 'rerun' || p === 'changed')) {
    // A re-run's CPU time and page faults come with its rows (costRows); what a fault costs is this machine's.
    const us = firstTouchMicrosPerPage();
    log(`first touch of fresh memory: ${us.toFixed(2)} µs per 4 KiB page`);
    rows.push({ part: 'this machine: first touch of fresh memory (one minor page fault)', label: 'node, 16 MiB written once per 4 KiB page, median of 5', value: us, unit: 'µs', samples: [] });
  }
  try {
    step('startup', () => startupRows(cli, reps(10), log, before));
    step('orch', () => orchestrationRows(reps(5), log));
    step('scan', () => scanRows(reps(7), log));
    step('memory', () => memoryRows(cli, log));
    step('copy', () => fullCopies({ ...copyOpts, reps: reps(3) }));
    step('rerun', () => unchangedReruns({ ...copyOpts, trees: flag('--trees') ? copyOpts.trees : ['small'], reps: reps(5) }));
    step('changed', () => changedReruns({ ...copyOpts, reps: reps(5) }));
  } finally {
    // Only the copy parts write there (/dev/shm is shared: a start-up run must not remove the
    // destination of another checkout's copy bench that runs at the same time).
    if (parts.some((p) => p === 'copy' || p === 'rerun' || p === 'changed')) cleanUp();
  }
  const date = new Date().toISOString();
  const out = flag('--out') ?? path.join(WORK, 'results', `${date.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ date, machine, cli, argv: process.argv.slice(2), rows }, null, 2)}\n`);
  process.stdout.write(`\n${date.slice(0, 10)} · ${machine}\n\n${markdownTable(rows)}\nrows also in ${out}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
