/**
 * How good is the learnt ETA? Recorded run histories are synthesized for many profiles (chunk
 * sizes, a true bytes/s + files/s cost per job, night-to-night speed and per-chunk noise), the
 * next run is played out on 4 job lanes, and at the moment 10 % of the run's bytes are done the
 * three estimates are compared with the time really left:
 *   live    - remaining bytes / recent throughput (the orchestrator's ThroughputMeter, 30 s window)
 *   learnt  - LearnedEta (src/eta) on the history, paced by the chunks finished so far
 *   best    - blendEta(learnt, live, 0.10), what the bars show first
 * Also: the run's makespan when chunks start longest-expected-first (learnt order) against the
 * planner's largest-bytes-first order.
 *   node dist/bench/eta-bench.js [--trials 300] [--chunks 200] [--runs 5]
 */
import type { Chunk } from '../src/api';
import { blendEta, LearnedEta } from '../src/eta';
import { ThroughputMeter } from '../src/orchestrator/throughput';
import type { ChunkHistoryRow } from '../src/state/chunk-history';

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

/** A small seeded generator (mulberry32) and a normal deviate, so the bench is reproducible. */
function rng(seed: number): { u: () => number; n: () => number } {
  let a = seed >>> 0;
  const u = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { u, n: () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u()) };
}

interface Job { chunk: Chunk; start: number; end: number }

/** Plays a run: chunks in `order` on `lanes` lanes, each taking durations.get(id) ms. */
function play(order: readonly Chunk[], durations: Map<string, number>, lanes: number): Job[] {
  const free = Array.from({ length: lanes }, () => 0);
  return order.map((chunk) => {
    const i = free.indexOf(Math.min(...free));
    const start = free[i];
    free[i] = start + durations.get(chunk.id)!;
    return { chunk, start, end: free[i] };
  });
}

function bytesDone(jobs: Job[], t: number): number {
  let b = 0;
  for (const j of jobs) {
    if (t >= j.end) b += j.chunk.estimatedBytes;
    else if (t > j.start) b += (j.chunk.estimatedBytes * (t - j.start)) / (j.end - j.start);
  }
  return b;
}

const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

function trial(seed: number, nChunks: number, nRuns: number, lanes: number) {
  const r = rng(seed);
  // The profile's true cost per job: 60-200 MB/s and 500-5,000 files/s, plus 0.3 s per chunk.
  const msPerByte = 1000 / ((60 + 140 * r.u()) * 1e6);
  const msPerFile = 1000 / (500 + 4500 * r.u());
  const chunks: Chunk[] = Array.from({ length: nChunks }, (_, i) => {
    const bytes = Math.round(Math.exp(Math.log(2e8) + 1.5 * r.n()));
    const files = Math.max(1, Math.round(Math.exp(Math.log(2000) + 1.2 * r.n())));
    return { id: `c${i}`, profile: 'p', kind: 'tree', relPath: `d${i}`, sourcePath: '', destinationPath: '', depth: 1, estimatedBytes: bytes, estimatedFiles: files };
  });
  const trueMs = (c: Chunk, night: number): number => night * Math.exp(0.2 * r.n()) * (300 + msPerByte * c.estimatedBytes + msPerFile * c.estimatedFiles);
  const history: ChunkHistoryRow[] = [];
  for (let run = 0; run < nRuns; run++) {
    const night = Math.exp(0.15 * r.n());
    for (const c of chunks) history.push({ chunkId: c.id, bytes: c.estimatedBytes, files: c.estimatedFiles, estBytes: c.estimatedBytes, estFiles: c.estimatedFiles, durationMs: trueMs(c, night), engine: 'native' });
  }
  const eta = new LearnedEta(history);
  const tonight = Math.exp(0.25 * r.n());
  const durations = new Map(chunks.map((c) => [c.id, trueMs(c, tonight)]));
  const byBytes = [...chunks].sort((a, b) => b.estimatedBytes - a.estimatedBytes);
  const learntOrder = eta.order(chunks);
  const jobs = play(learntOrder, durations, lanes);
  const makespan = Math.max(...jobs.map((j) => j.end));
  const makespanBytesOrder = Math.max(...play(byBytes, durations, lanes).map((j) => j.end));
  const total = chunks.reduce((s, c) => s + c.estimatedBytes, 0);
  // The moment 10 % of the bytes are done, found on the 500 ms tick the orchestrator uses.
  const meter = new ThroughputMeter();
  let t = 0;
  for (; bytesDone(jobs, t) < 0.1 * total; t += 500) meter.sample(t, bytesDone(jobs, t));
  meter.sample(t, bytesDone(jobs, t));
  const left = (makespan - t) / 1000;
  const live = meter.etaSeconds(total - bytesDone(jobs, t));
  const learnt = eta.remainingSeconds({
    pending: jobs.filter((j) => j.start > t).map((j) => j.chunk),
    active: jobs.filter((j) => j.start <= t && j.end > t).map((j) => ({ chunk: j.chunk, elapsedMs: t - j.start, fractionDone: (t - j.start) / (j.end - j.start) })),
    finished: jobs.filter((j) => j.end <= t).map((j) => ({ chunk: j.chunk, durationMs: j.end - j.start })),
    concurrency: lanes,
  });
  const best = blendEta(learnt, live, bytesDone(jobs, t) / total);
  const err = (x: number | undefined): number => (x === undefined ? NaN : Math.abs(x - left) / left);
  return { live: err(live), learnt: err(learnt), best: err(best), makespanRatio: makespan / makespanBytesOrder, makespanS: makespan / 1000 };
}

function main(): void {
  const trials = flag('--trials', 300); const nChunks = flag('--chunks', 200); const nRuns = flag('--runs', 5); const lanes = 4;
  const results = Array.from({ length: trials }, (_, i) => trial(1000 + i, nChunks, nRuns, lanes));
  const row = (name: string, xs: number[]): string => {
    const ok = xs.filter((x) => !Number.isNaN(x));
    return `| ${name} | ${(100 * pct(ok, 0.5)).toFixed(1)} % | ${(100 * pct(ok, 0.9)).toFixed(1)} % | ${ok.length}/${xs.length} |`;
  };
  const out = [
    `ETA error at 10 % of the run's bytes: ${trials} synthetic profiles of ${nChunks} chunks, ${nRuns} recorded runs each, ${lanes} jobs; tonight's speed differs from the history (σ 25 %), chunks vary (σ 20 %)`,
    '',
    '| estimate | median abs. error | p90 abs. error | trials with an estimate |',
    '|---|---:|---:|---:|',
    row('live (throughput, 30 s window)', results.map((r) => r.live)),
    row('learnt (history, paced)', results.map((r) => r.learnt)),
    row('best (blend shown first)', results.map((r) => r.best)),
    '',
    `makespan, longest-expected-first / largest-bytes-first: median ${pct(results.map((r) => r.makespanRatio), 0.5).toFixed(3)}, p10 ${pct(results.map((r) => r.makespanRatio), 0.1).toFixed(3)} (median run ${pct(results.map((r) => r.makespanS), 0.5).toFixed(0)} s)`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
