/**
 * Aggregate throughput of rsync jobs under one bandwidth budget (#15): the real CLI, the rsync
 * engine (its rate fixed per job at start, `--bwlimit`), 4 jobs, a budget of --mbps Mbit/s. The
 * bytes under the destination (temp files included) are sampled every 100 ms; the rate over the
 * middle of the run (while the queue still feeds all four jobs) is compared with the budget.
 *   node dist/bench/bandwidth-bench.js [--mbps 40] [--chunks 24] [--chunk-mib 2] [--reps 3]
 * Prints one JSON line per repetition and a summary line; exits 1 when a median is outside ±15 %.
 * Not a test: its figures depend on the machine (see docs/bandwidth-and-pause.md).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median } from './lib/timing';
import { bytesOnDisk } from '../test/helpers/make-tree';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

async function once(mbps: number, chunks: number, chunkBytes: number): Promise<{ bytesPerSec: number; budget: number; ratio: number; seconds: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robocurse-bwbench-'));
  try {
    const block = Buffer.alloc(1 << 20, 7);
    for (let i = 0; i < chunks; i++) {
      fs.mkdirSync(path.join(dir, 'src', `d${i}`), { recursive: true });
      const fd = fs.openSync(path.join(dir, 'src', `d${i}`, 'f.bin'), 'w');
      for (let w = 0; w < chunkBytes; w += block.length) fs.writeSync(fd, block, 0, Math.min(block.length, chunkBytes - w));
      fs.closeSync(fd);
    }
    fs.writeFileSync(path.join(dir, 'robocurse.json'), JSON.stringify({
      version: 1, global: { logDir: 'logs', stateDir: 'state', maxConcurrentJobs: 4, bandwidthLimitMbps: mbps },
      profiles: { data: { source: 'src', destination: 'dst', engine: 'rsync', chunking: { maxChunkFiles: 1 } } },
    }));
    const cli = path.resolve(__dirname, '..', '..', 'bin', 'robocurse.js');
    const t0 = Date.now();
    const samples: { t: number; bytes: number }[] = [];
    const sampler = setInterval(() => samples.push({ t: Date.now() - t0, bytes: bytesOnDisk(path.join(dir, 'dst')) }), 100);
    const code = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, [cli, 'run', '--config', 'robocurse.json', '--all', '--log-level', 'warn'], { cwd: dir, stdio: 'ignore' }).on('close', resolve);
    });
    clearInterval(sampler);
    if (code !== 0) throw new Error(`robocurse exited ${code}`);
    const total = chunks * chunkBytes;
    // The middle: from 10 % to 70 % of the bytes, while every job slot is busy.
    const a = samples.find((s) => s.bytes >= total * 0.1)!;
    const b = samples.find((s) => s.bytes >= total * 0.7)!;
    const bytesPerSec = ((b.bytes - a.bytes) * 1000) / (b.t - a.t);
    const budget = (mbps * 1e6) / 8;
    return { bytesPerSec: Math.round(bytesPerSec), budget, ratio: Number((bytesPerSec / budget).toFixed(3)), seconds: (Date.now() - t0) / 1000 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const mbps = arg('--mbps', 40);
  const chunks = arg('--chunks', 24);
  const chunkBytes = arg('--chunk-mib', 2) * (1 << 20);
  const reps = arg('--reps', 3);
  const ratios: number[] = [];
  for (let i = 0; i < reps; i++) {
    const r = await once(mbps, chunks, chunkBytes);
    ratios.push(r.ratio);
    process.stdout.write(`${JSON.stringify({ rep: i + 1, mbps, ...r })}\n`);
  }
  const m = median(ratios);
  process.stdout.write(`${JSON.stringify({ summary: true, engine: 'rsync', jobs: 4, mbps, medianRatio: m, within15: m >= 0.85 && m <= 1.15 })}\n`);
  process.exitCode = m >= 0.85 && m <= 1.15 ? 0 : 1;
}

void main();
