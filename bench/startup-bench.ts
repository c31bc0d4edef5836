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
const NO_CERTS = ', without NODE_EXTRA_CA_CERTS';

/** A start: its label, node's arguments, and the environment when not this process's. */
type Case = [string, string[], NodeJS.ProcessEnv?];

/** This process's environment without NODE_EXTRA_CA_CERTS. */
function withoutExtraCerts(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

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
  const cases: Case[] = [
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
    ] as Case[] : []),
  ];
  // Node 20 reads the certificates NODE_EXTRA_CA_CERTS names at every start, before any
  // JavaScript (~90 ms on the VM that sets it for its proxy): a cost `node -e 0` shares, which
  // makes every ratio to it smaller. Where it is set, the same starts are also measured without it,
  // as on a host without a private CA (docs/benchmarks.md, "Session 24").
  const bare = process.env.NODE_EXTRA_CA_CERTS ? withoutExtraCerts() : undefined;
  if (bare) cases.push(...cases.filter(([l]) => !l.endsWith(', before')).map(([l, a]) => [`${l}${NO_CERTS}`, a, bare] as Case));
  const samples = new Map(cases.map(([l]) => [l, [] as number[]]));
  for (let i = 0; i < reps; i++) {
    // Rotated each round: in a fixed order the same case always follows the same one (and this
    // build's cases always came before the other build's), which showed in the ratios.
    for (let k = 0; k < cases.length; k++) {
      const [label, args, env] = cases[(i + k) % cases.length];
      const r = timeCommand(process.execPath, args, env);
      if (r.status !== 0) throw new Error(`${label} exited ${r.status}: ${r.stderr}`);
      samples.get(label)!.push(r.ms);
    }
  }
  // The samples of the starts with the environment as it is (''), or of those without the certificates.
  const group = (suffix: string): Map<string, number[]> => new Map([...samples].filter(([l]) => l.endsWith(NO_CERTS) === (suffix === NO_CERTS)));
  const suffixes = bare ? ['', NO_CERTS] : [''];
  const rows = suffixes.flatMap((suffix) => groupRows(`CLI start-up${suffix}`, group(suffix), `node -e 0${suffix}`));
  // Issue #17's targets, as ratios to a bare node measured alternately in the same run.
  for (const [label, max] of [['robocurse --help', 1.3], ['robocurse validate', 1.8], ['robocurse run (empty tree)', 2.5]] as const) {
    for (const when of ['', ', before']) withTarget(rows.find((r) => r.label === `${label}${when}`), max, `≤ ${max}× node -e 0`);
    withTarget(rows.find((r) => r.label === `${label}${NO_CERTS}`), max, `≤ ${max}× node -e 0`);
  }
  for (const r of rows) log(`  ${r.label.padEnd(36)} ${r.value.toFixed(0).padStart(6)} ms`);
  for (const suffix of suffixes) {
    const overFloor = new Map([...group(suffix)].filter(([l]) => l.startsWith(STACK_FLOOR) || l.startsWith('robocurse run')));
    rows.push(...groupRows(`CLI start-up, against the stack floor${suffix}`, overFloor, `${STACK_FLOOR}${suffix}`).filter((r) => r.ratio !== undefined));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return rows;
}
