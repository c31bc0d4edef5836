/**
 * Scan + plan speed against `du -s` and `fpart` on a skewed 100k-file tree, or (--memory) peak
 * RSS of scan + plan on a 1M-file tree. Trees are generated once under bench/.work/.
 *   node dist/bench/scan-bench.js [--reps 7] [--memory]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createChunker } from '../src/chunk';
import { planProfile } from '../src/plan';
import { createScanner } from '../src/scan';
import { ensureTree, type TreeGenSpec } from './lib/tree-gen';
import { HUGE_TREE } from './copy-bench';
import { fmtMs, median, timeAsync, timeCommand } from './lib/timing';
import { benchProfile } from './scan-plan-cli';

const WORK = path.resolve(__dirname, '..', '..', 'bench', '.work');
const CLI = path.join(__dirname, 'scan-plan-cli.js');
const FPART = '/usr/bin/fpart';

/** ~100k files in 2,000 dirs: 70k spread at random, plus 3 dirs of 10k each. */
const SPEED_TREE: TreeGenSpec = { files: 70_000, dirs: 2000, hugeDirs: 3, hugeDirFiles: 10_000, maxFileSize: 16_384, emptyFraction: 0.05, seed: 42 };
/** 1M files in 20,000 dirs, mostly empty so it stays a few hundred MB on disk. */
const MEMORY_TREE: TreeGenSpec = HUGE_TREE;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

function prepare(name: string, spec: TreeGenSpec): string {
  fs.mkdirSync(WORK, { recursive: true });
  const root = path.join(WORK, name);
  const t0 = performance.now();
  const r = ensureTree(root, spec);
  console.log(`tree ${root}: ${r.files} files, ${r.dirs} dirs, ${r.bytes} bytes (${r.reused ? 'reused' : `generated in ${fmtMs(performance.now() - t0)}`})`);
  return root;
}

async function libraryPlan(root: string, scanner = createScanner()): Promise<void> {
  await planProfile(benchProfile(root), { scanner, chunker: createChunker() });
}

async function speed(reps: number): Promise<void> {
  const root = prepare('tree-100k', SPEED_TREE);
  const hasFpart = fs.existsSync(FPART);
  if (!hasFpart) console.log(`fpart: not installed (${FPART} missing), skipped`);
  // Warm the page and dentry caches, and check the tools agree on the totals.
  timeCommand('du', ['-s', root]);
  const check = JSON.parse(timeCommand(process.execPath, [CLI, root]).stdout) as { files: number };
  console.log(`warm-up scan: ${check.files} files`);
  const t = { libFresh: [] as number[], libWarm: [] as number[], cli: [] as number[], du: [] as number[], fpart: [] as number[] };
  const warm = createScanner();
  await libraryPlan(root, warm);
  // Alternate the contenders each repetition so drift (other load, cache) hits all alike.
  for (let i = 0; i < reps; i++) {
    t.du.push(timeCommand('du', ['-s', root]).ms);
    const fresh = createScanner();
    t.libFresh.push(await timeAsync(() => libraryPlan(root, fresh)));
    await fresh.close();
    t.libWarm.push(await timeAsync(() => libraryPlan(root, warm)));
    t.cli.push(timeCommand(process.execPath, [CLI, root]).ms);
    if (hasFpart) t.fpart.push(timeCommand(FPART, ['-n', '8', '-o', '/dev/null', root]).ms);
  }
  await warm.close();
  const du = median(t.du);
  const row = (label: string, xs: number[]): void => {
    if (xs.length) console.log(`${label.padEnd(44)} ${fmtMs(median(xs)).padStart(10)}   ${(median(xs) / du).toFixed(2)}x du`);
  };
  console.log(`\nmedians of ${reps} alternating runs (2 cores share the machine; read ratios, not absolutes)`);
  row('du -s', t.du);
  row('robocurse scan+plan, library, new pool', t.libFresh);
  row('robocurse scan+plan, library, warm pool', t.libWarm);
  row('robocurse scan+plan, whole node process', t.cli);
  row('fpart -n 8 -o /dev/null', t.fpart);
}

function memory(): void {
  const root = prepare('tree-1m', MEMORY_TREE);
  timeCommand('du', ['-s', root]);
  const du = timeCommand('du', ['-s', root]);
  const out = timeCommand(process.execPath, [CLI, root]);
  const r = JSON.parse(out.stdout) as { files: number; dirs: number; chunks: number; ms: number; maxRssKiB: number };
  console.log(`scan+plan of ${r.files} files in ${r.dirs} dirs -> ${r.chunks} chunks in ${fmtMs(r.ms)} (process ${fmtMs(out.ms)}; du -s ${fmtMs(du.ms)})`);
  console.log(`peak RSS ${(r.maxRssKiB / 1024).toFixed(1)} MiB (target <= 256 MiB)`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--memory')) memory();
  else await speed(arg('--reps', 7));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
