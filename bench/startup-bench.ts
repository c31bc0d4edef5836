/**
 * CLI start-up: `--help`, `validate` and a `run` over an empty tree (the fixed cost of a run:
 * config validation, state database, plugin checks, scanner workers, summary), against a bare
 * `node -e 0`, alternating, as whole processes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { groupRows, withTarget, type ResultRow } from './lib/report';
import { timeCommand } from './lib/timing';
import { WORK } from './copy-bench';

/** The contender that stands for what a run on this project's fixed stack cannot avoid. */
const STACK_FLOOR = 'stack floor: yargs, pino, tsyringe, SQLite commit';

export function startupRows(cli: string, reps: number, log: (s: string) => void, before?: string): ResultRow[] {
  const dir = path.join(WORK, 'startup');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'empty-src'), { recursive: true });
  const cfg = path.join(dir, 'robocurse.json');
  fs.writeFileSync(cfg, JSON.stringify({
    version: 1,
    global: { logDir: path.join(dir, 'logs'), stateDir: path.join(dir, 'state') },
    profiles: { bench: { source: path.join(dir, 'empty-src'), destination: path.join(dir, 'dst') } },
  }));
  const cases: Array<[string, string[]]> = [
    ['node -e 0', ['-e', '0']],
    // What a run on this project's fixed stack cannot avoid (floor/startup-floor.ts).
    [STACK_FLOOR, [path.join(__dirname, 'floor', 'startup-floor.js'), path.join(dir, 'floor')]],
    ['robocurse --help', [cli, '--help']],
    ['robocurse validate', [cli, 'validate', '--config', cfg]],
    ['robocurse run (empty tree)', [cli, 'run', '--config', cfg, '--all', '--log-level', 'warn']],
    ...(before ? [
      ['robocurse --help, before', [before, '--help']],
      ['robocurse validate, before', [before, 'validate', '--config', cfg]],
      ['robocurse run (empty tree), before', [before, 'run', '--config', cfg, '--all', '--log-level', 'warn']],
    ] as Array<[string, string[]]> : []),
  ];
  const samples = new Map(cases.map(([l]) => [l, [] as number[]]));
  for (let i = 0; i < reps; i++) {
    // Rotated each round: in a fixed order the same case always follows the same one (and this
    // build's cases always came before the other build's), which showed in the ratios.
    for (let k = 0; k < cases.length; k++) {
      const [label, args] = cases[(i + k) % cases.length];
      const r = timeCommand(process.execPath, args);
      if (r.status !== 0) throw new Error(`${label} exited ${r.status}: ${r.stderr}`);
      samples.get(label)!.push(r.ms);
    }
  }
  const rows = groupRows('CLI start-up', samples, 'node -e 0');
  // Issue #17's targets, as ratios to a bare node measured alternately in the same run.
  for (const [label, max] of [['robocurse --help', 1.3], ['robocurse validate', 1.8], ['robocurse run (empty tree)', 2.5]] as const) {
    for (const when of ['', ', before']) withTarget(rows.find((r) => r.label === `${label}${when}`), max, `≤ ${max}× node -e 0`);
  }
  for (const r of rows) log(`  ${r.label.padEnd(36)} ${r.value.toFixed(0).padStart(6)} ms`);
  const overFloor = new Map([...samples].filter(([label]) => label === STACK_FLOOR || label.startsWith('robocurse run')));
  rows.push(...groupRows('CLI start-up, against the stack floor', overFloor, STACK_FLOOR).filter((r) => r.ratio !== undefined));
  fs.rmSync(dir, { recursive: true, force: true });
  return rows;
}
