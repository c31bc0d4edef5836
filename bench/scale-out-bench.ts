/**
 * Scale-out speed-up (#21): the real CLI as coordinator (`run --queue`) and 1, 2 and 4 real
 * `robocurse worker` processes on a real redis-server, with the simulated engine at a fixed
 * duration per chunk (latency-bound: the workers' CPU is not what is measured), and at least 10×
 * more chunks than slots. Reports the run time (the summary's durationMs: scan to last chunk),
 * the speed-up over one worker, and the coordinator's overhead per chunk two ways: of the run's
 * wall time, (run time − chunks × duration ÷ slots) ÷ chunks; and of slot time, (run time ×
 * slots − chunks × duration) ÷ chunks, the time a slot idles between two chunks.
 *   node dist/bench/scale-out-bench.js [--chunks 80] [--chunk-ms 500] [--slots 2] [--reps 2]
 * Prints one JSON line per run and a summary line. Not a test: its figures depend on the machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median } from './lib/timing';
import { TestRedis } from '../test/helpers/redis-server';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const cli = path.resolve(__dirname, '..', '..', 'bin', 'robocurse.js');

function startWorker(url: string, slots: number, stateDir: string): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, [cli, 'worker', '--queue', url, '--slots', String(slots), '--state-dir', stateDir, '--log-level', 'info'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (b: Buffer) => { err += b.toString(); if (err.includes('takes chunks from')) resolve(); });
    child.on('exit', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
  });
  return { child, ready };
}

interface Sample { workers: number; ms: number; overheadMsPerChunk: number; slotIdleMsPerChunk: number }

async function once(redis: TestRedis, workers: number, chunks: number, chunkMs: number, slots: number): Promise<Sample> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robocurse-scalebench-'));
  const procs: ChildProcess[] = [];
  try {
    for (let i = 0; i < chunks; i++) {
      fs.mkdirSync(path.join(dir, 'src', `d${String(i).padStart(4, '0')}`), { recursive: true });
      fs.writeFileSync(path.join(dir, 'src', `d${String(i).padStart(4, '0')}`, 'f'), 'x');
    }
    fs.writeFileSync(path.join(dir, 'robocurse.json'), JSON.stringify({
      version: 1, global: { logDir: 'logs', stateDir: 'state', maxConcurrentJobs: workers * slots },
      profiles: { data: { source: 'src', destination: 'dst', engine: 'simulated', chunking: { mode: 'flat', maxDepth: 1 }, engineOptions: { simulated: { script: { '*': { durationMs: chunkMs, exitCodes: [1] } } } } } },
    }));
    for (let w = 0; w < workers; w++) {
      const s = startWorker(redis.url, slots, path.join(dir, `w${w}`));
      procs.push(s.child);
      await s.ready;
    }
    const out = await new Promise<string>((resolve, reject) => {
      const c = spawn(process.execPath, [cli, 'run', '--config', path.join(dir, 'robocurse.json'), '--all', '--queue', redis.url, '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let o = ''; let e = '';
      c.stdout.on('data', (b: Buffer) => { o += b.toString(); });
      c.stderr.on('data', (b: Buffer) => { e += b.toString(); });
      c.on('close', (code) => (code === 0 ? resolve(o) : reject(new Error(`run exited ${code}: ${e.slice(-2000)}`))));
    });
    const summary = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string; durationMs: number; profiles: Array<{ chunksOk: number; chunksWarning: number; chunksTotal: number }> }).find((l) => l.type === 'summary')!;
    const p = summary.profiles[0];
    if (p.chunksOk + p.chunksWarning !== p.chunksTotal || p.chunksTotal < chunks) throw new Error(`expected ${p.chunksTotal} (>= ${chunks}) chunks done, got ${p.chunksOk + p.chunksWarning}`);
    const ideal = (p.chunksTotal * chunkMs) / (workers * slots);
    // Slot time not spent in a chunk, per chunk: from a chunk's end to the next start on that slot (result read, journalled, next job added and fetched).
    const slotIdle = (summary.durationMs * workers * slots - p.chunksTotal * chunkMs) / p.chunksTotal;
    return { workers, ms: summary.durationMs, overheadMsPerChunk: (summary.durationMs - ideal) / p.chunksTotal, slotIdleMsPerChunk: slotIdle };
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(undefined) : p.once('exit', r)))));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const chunks = arg('--chunks', 80);
  const chunkMs = arg('--chunk-ms', 500);
  const slots = arg('--slots', 2);
  const reps = arg('--reps', 2);
  const counts = [1, 2, 4];
  if (chunks < 10 * slots * Math.max(...counts)) console.error(`note: ${chunks} chunks is fewer than 10 × the ${slots * Math.max(...counts)} slots of 4 workers`);
  const redis = await new TestRedis().start();
  const by = new Map<number, Sample[]>();
  try {
    for (let r = 0; r < reps; r++) {
      for (const w of r % 2 === 0 ? counts : [...counts].reverse()) {
        const res = await once(redis, w, chunks, chunkMs, slots);
        console.log(JSON.stringify({ rep: r, ...res }));
        by.set(w, [...(by.get(w) ?? []), res]);
      }
    }
  } finally {
    await redis.stop();
  }
  const med = (w: number, k: 'ms' | 'overheadMsPerChunk' | 'slotIdleMsPerChunk'): number => median((by.get(w) ?? []).map((x) => x[k]));
  const one = med(1, 'ms');
  console.log(JSON.stringify({
    summary: true, chunks, chunkMs, slotsPerWorker: slots,
    medianMs: Object.fromEntries(counts.map((w) => [w, Math.round(med(w, 'ms'))])),
    speedup: Object.fromEntries(counts.map((w) => [w, Number((one / med(w, 'ms')).toFixed(2))])),
    overheadMsPerChunk: Object.fromEntries(counts.map((w) => [w, Number(med(w, 'overheadMsPerChunk').toFixed(1))])),
    slotIdleMsPerChunk: Object.fromEntries(counts.map((w) => [w, Math.round(med(w, 'slotIdleMsPerChunk'))])),
  }));
}

main().catch((err: unknown) => { console.error(err); process.exit(1); });
