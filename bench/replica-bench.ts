/**
 * What keeping a true replica costs (#22): full copies of the 100k-file tree to tmpfs by `cp -a`,
 * the robocurse CLI of another build (`--before`, e.g. the commit before this work) and this
 * build, alternating in a rotated order; wall and CPU time (user + system of the whole process
 * tree, from /usr/bin/time) per contender, medians and ratios to cp -a. `--xattrs N` first gives
 * every Nth file of a copy of the tree a user xattr (the cost of copying them); `--tree DIR`
 * copies another tree. Run as root (the default keeps owners then, as cp -a does).
 *
 *   node dist/bench/replica-bench.js --before /path/to/old/bin/robocurse.js --reps 7
 *   node dist/bench/replica-bench.js --reps 5 --xattrs 1
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prepareTree, WORK } from './copy-bench';
import { median } from './lib/timing';

const DST_ROOT = '/dev/shm/robocurse-replica-bench';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Wall and CPU seconds of a command, through /usr/bin/time. */
function timed(cmd: string, args: string[]): { wall: number; cpu: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const [wall, user, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wall, cpu: user + sys };
}

function config(src: string, dst: string, name: string): string {
  const dir = path.join(WORK, `replica-${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'robocurse.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, global: { logDir: path.join(dir, 'logs'), stateDir: path.join(dir, 'state') }, profiles: { bench: { source: src, destination: dst } } }));
  return file;
}

/** A copy of the tree with a user xattr on every `every`-th file (made once, reused). */
function withXattrs(tree: string, every: number): string {
  const out = path.join(WORK, `tree-100k-xattrs-${every}`);
  if (fs.existsSync(out)) return out;
  execFileSync('cp', ['-a', tree, out]);
  let n = 0;
  const stack = [out];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile() && n++ % every === 0) execFileSync('setfattr', ['-n', 'user.bench', '-v', `value ${n}`, p]);
    }
  }
  return out;
}

function main(): void {
  const reps = Number(flag('--reps') ?? 5);
  const before = flag('--before');
  const after = path.resolve(__dirname, '..', '..', 'bin', 'robocurse.js');
  const every = flag('--xattrs');
  let src = flag('--tree') ?? prepareTree('small', (s) => process.stdout.write(`${s}\n`)).root;
  if (every) src = withXattrs(src, Number(every));
  spawnSync('du', ['-s', src]);
  const dst = path.join(DST_ROOT, 'dst');
  const contenders: Array<{ label: string; run: () => { wall: number; cpu: number } }> = [
    { label: 'cp -a', run: () => timed('cp', ['-a', src, dst]) },
    ...(before ? [{ label: 'robocurse (before)', run: () => timed(process.execPath, [before, 'run', '--config', config(src, dst, 'before'), '--all', '--log-level', 'warn']) }] : []),
    { label: 'robocurse (this build)', run: () => timed(process.execPath, [after, 'run', '--config', config(src, dst, 'after'), '--all', '--log-level', 'warn']) },
  ];
  const wall = new Map(contenders.map((c) => [c.label, [] as number[]]));
  const cpu = new Map(contenders.map((c) => [c.label, [] as number[]]));
  for (let i = 0; i < reps; i++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(i + k) % contenders.length];
      fs.rmSync(DST_ROOT, { recursive: true, force: true });
      fs.mkdirSync(DST_ROOT, { recursive: true });
      const t = c.run();
      wall.get(c.label)!.push(t.wall);
      cpu.get(c.label)!.push(t.cpu);
      process.stdout.write(`rep ${i + 1}: ${c.label.padEnd(24)} wall ${t.wall.toFixed(2)} s  cpu ${t.cpu.toFixed(2)} s\n`);
    }
  }
  fs.rmSync(DST_ROOT, { recursive: true, force: true });
  const cpWall = median(wall.get('cp -a')!);
  process.stdout.write(`\n| contender | wall (median of ${reps}) | ratio to cp -a | CPU |\n|---|---:|---:|---:|\n`);
  for (const c of contenders) {
    const w = median(wall.get(c.label)!);
    process.stdout.write(`| ${c.label} | ${w.toFixed(2)} s | ${(w / cpWall).toFixed(2)}× | ${median(cpu.get(c.label)!).toFixed(2)} s |\n`);
  }
}

main();
