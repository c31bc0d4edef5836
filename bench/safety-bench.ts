/**
 * What the mirror safety rails and the resume check cost (docs/safety.md, "Cost"):
 *   node dist/bench/safety-bench.js [--chunks 2000] [--files 50] [--reps 5]
 * Builds a destination of `chunks` chunk directories of `files` files each (plus one nested
 * directory per chunk) under bench/.work/safety, then times, warm cache, median of reps:
 * - record: probing every chunk's destination as it completes (one stat + one listing each);
 * - verify: a resume checking every chunk carried as done (what a resume adds before copying);
 * - percent: the maxDeletes percentage pre-pass (counting the entries of every chunk's scope),
 *   against `find <dst> -printf x` as the reference walk;
 * - preview: the robocopy pre-count of what a mirror would delete (source and destination walked);
 * - budget: removing an extra directory of 10,000 files with and without counting it first.
 * Prints one JSON object per measurement.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chunk } from '../src/api';
import { countMirrorDeletions } from '../src/engines/preview/mirror-deletions';
import { countEntriesBelow } from '../src/fs/count-entries';
import { DeleteLimits } from '../src/orchestrator/delete-limits';
import { probeDestination, verifyDoneChunks } from '../src/orchestrator/resume-check';
import { median, timeAsync } from './lib/timing';

const WORK = path.resolve(__dirname, '..', '..', 'bench', '.work', 'safety');

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

function build(root: string, chunks: number, files: number): void {
  for (let c = 0; c < chunks; c++) {
    const d = path.join(root, `p${Math.floor(c / 100)}`, `c${c}`);
    fs.mkdirSync(path.join(d, 'nested'), { recursive: true });
    for (let f = 0; f < files; f++) fs.writeFileSync(path.join(d, f % 5 === 0 ? 'nested' : '', `f${f}.dat`), 'x');
  }
}

function chunkList(src: string, dst: string, n: number): Chunk[] {
  return Array.from({ length: n }, (_, c) => {
    const relPath = `p${Math.floor(c / 100)}/c${c}`;
    return { id: `c${c}`, profile: 'bench', kind: 'tree' as const, relPath, sourcePath: path.join(src, relPath), destinationPath: path.join(dst, relPath), depth: 2, estimatedFiles: 1, estimatedBytes: 1 };
  });
}

async function main(): Promise<void> {
  const chunks = arg('--chunks', 2000);
  const files = arg('--files', 50);
  const reps = arg('--reps', 5);
  const src = path.join(WORK, `src-${chunks}x${files}`);
  const dst = path.join(WORK, `dst-${chunks}x${files}`);
  if (!fs.existsSync(dst)) { build(src, chunks, files); build(dst, chunks, files); }
  const list = chunkList(src, dst, chunks);
  const entries = await countEntriesBelow(dst);
  const out = (what: string, samples: number[], extra: object = {}): void => {
    console.log(JSON.stringify({ what, chunks, entries, medianMs: Number(median(samples).toFixed(1)), samples: samples.map((s) => Number(s.toFixed(1))), ...extra }));
  };

  const probes = new Map<string, string | null>();
  const record: number[] = [];
  for (let r = 0; r < reps; r++) {
    record.push(await timeAsync(async () => { for (const c of list) probes.set(c.id, JSON.stringify(await probeDestination(c))); }));
  }
  out('record: probe every chunk as it completes (serial)', record, { perChunkUs: Number(((median(record) * 1000) / chunks).toFixed(0)) });

  const done = new Set(list.map((c) => c.id));
  const verify: number[] = [];
  for (let r = 0; r < reps; r++) {
    verify.push(await timeAsync(async () => {
      const rerun = await verifyDoneChunks(list, done, probes);
      if (rerun.size !== 0) throw new Error(`verify found ${rerun.size} chunks to run again on an untouched destination`);
    }));
  }
  out('verify: a resume checks every chunk carried as done', verify, { perChunkUs: Number(((median(verify) * 1000) / chunks).toFixed(0)) });

  const percent: number[] = []; const find: number[] = [];
  for (let r = 0; r < reps; r++) {
    percent.push(await timeAsync(() => DeleteLimits.resolve({ percent: 5 }, list)));
    find.push(await timeAsync(async () => { spawnSync('find', [dst, '-printf', 'x'], { maxBuffer: 1 << 30 }); }));
  }
  out('percent: maxDeletes "5%" pre-pass over every chunk scope', percent, { findMedianMs: Number(median(find).toFixed(1)) });

  const preview: number[] = [];
  for (let r = 0; r < reps; r++) {
    preview.push(await timeAsync(async () => { for (let i = 0; i < list.length; i += 4) await Promise.all(list.slice(i, i + 4).map((c) => countMirrorDeletions(c, { excludeFiles: [], excludeDirs: [], caseInsensitive: false }))); }));
  }
  out('preview: robocopy pre-count of mirror deletions, every chunk', preview);

  const plain: number[] = []; const counted: number[] = [];
  const extra = path.join(WORK, 'extra');
  const makeExtra = (): void => { fs.mkdirSync(extra, { recursive: true }); for (let f = 0; f < 10_000; f++) fs.writeFileSync(path.join(extra, `e${f}`), 'x'); };
  for (let r = 0; r < reps; r++) {
    makeExtra(); plain.push(await timeAsync(() => fs.promises.rm(extra, { recursive: true, force: true })));
    makeExtra(); counted.push(await timeAsync(async () => { await countEntriesBelow(extra); await fs.promises.rm(extra, { recursive: true, force: true }); }));
  }
  out('budget: rm -r of an extra directory of 10,000 files', plain, { withCountMedianMs: Number(median(counted).toFixed(1)) });
}

void main().catch((err: unknown) => { console.error(err); process.exit(1); });
