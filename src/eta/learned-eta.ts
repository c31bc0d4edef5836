import type { Chunk } from '../api';
import type { ChunkHistoryRow } from '../state/chunk-history';
import { fitCostModel, modelMs, rowSize, type CostModel } from './cost-model';

/** Past durations of one chunk, newest last, with the size they had. */
interface ChunkPast { durationMs: number; bytes: number; files: number }

/** Runs of one chunk averaged for its own estimate (recent runs say most about the next). */
const OWN_RUNS = 3;
/** Above this many queued chunks the makespan is estimated as work / lanes, not list-scheduled. */
const SIMULATE_UP_TO = 2000;

/** Where a profile's run stands, in the estimator's terms. */
export interface RunPosition {
  /** Chunks not finished yet and not running (queued, or waiting for a retry). */
  pending: readonly Chunk[];
  /** Running chunks, how long they have run, and the share of their bytes done (when known). */
  active: readonly { chunk: Chunk; elapsedMs: number; fractionDone?: number }[];
  /** Chunks finished in this run (copied, not carried by a resume) and how long they took. */
  finished: readonly { chunk: Chunk; durationMs: number }[];
  /** Jobs at once. */
  concurrency: number;
}

/**
 * A profile's learnt ETA: the expected duration of each chunk from the history of this profile
 * and engine — the chunk's own recent runs when it has some (scaled if its size changed), else
 * the profile's fitted bytes/s and files/s — paced by how this run's work so far compares with
 * what was expected of it (a slow night stretches the rest), and laid out on the job lanes
 * longest first, as the queue runs them.
 */
export class LearnedEta {
  private readonly model?: CostModel;
  private readonly own = new Map<string, ChunkPast[]>();

  constructor(history: readonly ChunkHistoryRow[]) {
    this.model = fitCostModel(history);
    for (const r of history) {
      const list = this.own.get(r.chunkId) ?? [];
      list.push({ durationMs: r.durationMs, ...rowSize(r) });
      this.own.set(r.chunkId, list);
    }
  }

  /** Whether there is any history to learn from. */
  get known(): boolean { return this.model !== undefined; }

  get costModel(): CostModel | undefined { return this.model; }

  /** Expected milliseconds of a chunk; undefined without history. */
  expectedMs(chunk: Chunk): number | undefined {
    if (!this.model) return undefined;
    const modelled = modelMs(this.model, chunk.estimatedBytes, chunk.estimatedFiles);
    const past = this.own.get(chunk.id)?.slice(-OWN_RUNS);
    if (!past || past.length === 0) return modelled;
    // The chunk's own time, scaled by how much its modelled cost changed since.
    let sum = 0;
    for (const p of past) {
      const then = modelMs(this.model, p.bytes, p.files);
      sum += then > 0 && modelled > 0 ? p.durationMs * (modelled / then) : p.durationMs;
    }
    return sum / past.length;
  }

  /** `chunks` longest expected first (stable; unchanged without history). */
  order(chunks: readonly Chunk[]): Chunk[] {
    if (!this.model) return [...chunks];
    const keyed = chunks.map((c, i) => ({ c, i, ms: this.expectedMs(c) ?? 0 }));
    keyed.sort((a, b) => b.ms - a.ms || a.i - b.i);
    return keyed.map((k) => k.c);
  }

  /**
   * How this run goes against expectations: the time spent on the work done so far (finished
   * chunks, and the share of running chunks their bytes say is done) over the time that work was
   * expected to take. Trusted in proportion to the evidence, fully from 5 % of the expected work.
   */
  pace(pos: RunPosition): number {
    let spent = 0; let expectedDone = 0; let total = 0;
    for (const f of pos.finished) {
      const e = this.expectedMs(f.chunk);
      if (e === undefined || e <= 0) continue;
      spent += f.durationMs; expectedDone += e; total += e;
    }
    for (const a of pos.active) {
      const e = this.expectedMs(a.chunk) ?? 0;
      total += e;
      if (e > 0 && a.fractionDone !== undefined && a.fractionDone > 0) { spent += a.elapsedMs; expectedDone += e * Math.min(1, a.fractionDone); }
    }
    for (const c of pos.pending) total += this.expectedMs(c) ?? 0;
    if (expectedDone <= 0 || total <= 0) return 1;
    const raw = Math.min(5, Math.max(0.2, spent / expectedDone));
    const weight = Math.min(1, expectedDone / (0.05 * total));
    return 1 + weight * (raw - 1);
  }

  /** Seconds until the profile's last chunk ends; undefined without history. */
  remainingSeconds(pos: RunPosition): number | undefined {
    if (!this.model) return undefined;
    const pace = this.pace(pos);
    const lanes = Math.max(1, pos.concurrency);
    // A running chunk past its expected time is assumed to need a tenth of it more.
    const running = pos.active.map((a) => {
      const e = (this.expectedMs(a.chunk) ?? 0) * pace;
      return Math.max(e - a.elapsedMs, e * 0.1);
    });
    const queued = pos.pending.map((c) => (this.expectedMs(c) ?? 0) * pace).sort((a, b) => b - a);
    let makespan: number;
    if (queued.length > SIMULATE_UP_TO) {
      const work = running.reduce((s, x) => s + x, 0) + queued.reduce((s, x) => s + x, 0);
      makespan = Math.max(work / lanes, queued[0] ?? 0, ...running);
    } else {
      const load = Array.from({ length: lanes }, (_, i) => running[i] ?? 0);
      for (let i = lanes; i < running.length; i++) load[load.indexOf(Math.min(...load))] += running[i];
      for (const q of queued) load[load.indexOf(Math.min(...load))] += q;
      makespan = Math.max(0, ...load);
    }
    return Math.ceil(makespan / 1000);
  }
}

/**
 * The estimate to show: the learnt one alone before live data exists, the live one alone
 * without history, and in between weighted by the share of bytes done — the history knows the
 * tree, the live rate knows tonight.
 */
export function blendEta(learned: number | undefined, live: number | undefined, fractionDone: number): number | undefined {
  if (learned === undefined) return live;
  if (live === undefined) return learned;
  const w = Math.min(1, Math.max(0, fractionDone));
  return Math.round((1 - w) * learned + w * live);
}
