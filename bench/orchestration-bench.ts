/**
 * Orchestration overhead: N chunks on the simulated engine with zero-cost jobs (durationMs 0),
 * in-process, through Orchestrator.startReplicationRun. The scan and plan are precomputed fakes,
 * so the wall time is the orchestrator's own cost: queue, ticks, events, progress, journal.
 *   node dist/bench/orchestration-bench.js [--chunks 10000] [--jobs 4] [--journal null|sqlite] [--reps 5]
 * Prints one JSON line per repetition; `--journal sqlite` adds the real StateJournal (state
 * database in a temp dir on the same disk as the repo), to show what the per-chunk commits cost.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';
import type { Chunk, Chunker, DirTree, Scanner } from '../src/api';
import type { ProfileConfig, RobocurseConfig } from '../src/config/types';
import { SimulatedCopier } from '../src/engines/simulated';
import { EventBus } from '../src/orchestrator/event-bus';
import { Orchestrator } from '../src/orchestrator/orchestrator';
import { StateJournal } from '../src/orchestrator/state-journal';
import { StateStore } from '../src/state';
import { median } from './lib/timing';

const WORK = path.resolve(__dirname, '..', '..', 'bench', '.work');

export interface OrchestrationRun { chunks: number; jobs: number; journal: string; ms: number; perChunkUs: number; outcome: string; chunksOk: number }

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

/**
 * `n` tree chunks in a two-level layout (100 per parent), under a real root where each chunk's
 * (empty) source directory exists: the orchestrator's chunk-root guard checks them, and its cost
 * is part of what this measures.
 */
function syntheticChunks(root: string, n: number): Chunk[] {
  return Array.from({ length: n }, (_, i) => {
    const relPath = `p${Math.floor(i / 100)}/c${i}`;
    fs.mkdirSync(`${root}/${relPath}`, { recursive: true });
    return {
      id: `bench-${i}`, profile: 'bench', kind: 'tree' as const, relPath, sourcePath: `${root}/${relPath}`,
      destinationPath: `${root}-dst/${relPath}`, depth: 2, estimatedFiles: 10, estimatedBytes: 1_000_000 - i,
    };
  });
}

function profile(root: string): ProfileConfig {
  return {
    name: 'bench', source: root, destination: `${root}-dst`, enabled: true, mirror: false,
    chunking: { mode: 'flat', maxChunkBytes: 1, maxChunkFiles: 1, maxDepth: 2 },
    excludeFiles: [], excludeDirs: [], snapshot: null, engine: 'simulated', engineOptions: {},
    retry: { maxAttempts: 3, backoffSeconds: 0, maxBackoffSeconds: 0, engineRetries: 0, engineWaitSeconds: 0 },
    bandwidthLimitMbps: 0, windowsPaths: false,
  };
}

/** One run of `n` zero-cost chunks; returns its wall time (everything from start to summary). */
export async function orchestrationRun(n: number, jobs: number, journalKind: 'null' | 'sqlite'): Promise<OrchestrationRun> {
  fs.mkdirSync(WORK, { recursive: true });
  const dir = fs.mkdtempSync(path.join(WORK, 'orch-'));
  const root = path.join(dir, 'src');
  fs.mkdirSync(root);
  const chunks = syntheticChunks(root, n);
  const tree: DirTree = {
    root,
    rootNode: { name: '', relPath: '', depth: 0, ownFiles: 0, ownBytes: 0, totalFiles: n * 10, totalBytes: chunks.reduce((a, c) => a + c.estimatedBytes, 0), totalDirs: n + 101, children: [] },
    errors: [], skippedLinks: [], durationMs: 0,
  };
  const scanner: Scanner = { scan: async () => tree };
  const chunker: Chunker = { plan: () => chunks };
  const logger = pino({ level: 'silent' });
  const bus = new EventBus('bench-session');
  let store: StateStore | undefined;
  let journal: StateJournal | undefined;
  if (journalKind === 'sqlite') {
    const configPath = path.join(dir, 'robocurse.json');
    fs.writeFileSync(configPath, '{}');
    store = StateStore.open(path.join(dir, 'state'));
    // Only what the journal reads of a config: where it came from and where its run logs go.
    journal = new StateJournal(store, { configPath, global: { logDir: path.join(dir, 'logs') } } as RobocurseConfig, logger);
    const j = journal;
    bus.subscribe((ev) => j.recordEvent(ev));
  }
  const copier = new SimulatedCopier({ script: { '*': { durationMs: 0 } } });
  const orch = new Orchestrator({ bus, scanner, chunker, copierFor: () => copier, logger, journal });
  try {
    const t0 = performance.now();
    const summary = await orch.startReplicationRun([profile(root)], { maxConcurrentJobs: jobs, onProgress: () => undefined });
    const ms = performance.now() - t0;
    return { chunks: n, jobs, journal: journalKind, ms, perChunkUs: (ms * 1000) / n, outcome: summary.outcome, chunksOk: summary.profiles[0].chunksOk };
  } finally {
    store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const n = Number(arg('--chunks', '10000'));
  const jobs = Number(arg('--jobs', '4'));
  const reps = Number(arg('--reps', '5'));
  const kind = arg('--journal', 'null') as 'null' | 'sqlite';
  const runs: OrchestrationRun[] = [];
  for (let i = 0; i < reps; i++) {
    const r = await orchestrationRun(n, jobs, kind);
    runs.push(r);
    process.stdout.write(`${JSON.stringify(r)}\n`);
  }
  process.stderr.write(`median ${median(runs.map((r) => r.ms)).toFixed(1)} ms for ${n} chunks (journal ${kind})\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  });
}
