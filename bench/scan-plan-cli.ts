/**
 * `node dist/bench/scan-plan-cli.js <root>`: what `robocurse plan` does for one profile (scan
 * with worker threads, smart chunking), as a whole process, so benches can time start-up too.
 * Prints one JSON line: totals, chunk count, in-process time and peak RSS (KiB).
 */
import { createChunker } from '../src/chunk';
import type { ProfileConfig } from '../src/config/types';
import { planProfile } from '../src/plan';
import { createScanner } from '../src/scan';

/** A plain profile over `root` with the default-like smart policy. */
export function benchProfile(root: string): ProfileConfig {
  return {
    name: 'bench', source: root, destination: '/dev/null/bench', enabled: true, mirror: false,
    chunking: { mode: 'smart', maxChunkBytes: 10 * 1024 ** 3, maxChunkFiles: 5000, maxDepth: 0 },
    excludeFiles: [], excludeDirs: [], snapshot: null, engine: 'native', engineOptions: {},
    retry: { maxAttempts: 3, backoffSeconds: 5, maxBackoffSeconds: 60, engineRetries: 3, engineWaitSeconds: 10 },
    bandwidthLimitMbps: 0, windowsPaths: false,
  };
}

async function main(): Promise<void> {
  const root = process.argv[2];
  if (!root) throw new Error('usage: scan-plan-cli <root>');
  const scanner = createScanner();
  try {
    const t0 = performance.now();
    const plan = await planProfile(benchProfile(root), { scanner, chunker: createChunker() });
    const ms = performance.now() - t0;
    const n = plan.tree.rootNode;
    process.stdout.write(`${JSON.stringify({
      files: n.totalFiles, bytes: n.totalBytes, dirs: n.totalDirs, chunks: plan.chunks.length,
      errors: plan.tree.errors.length, ms, maxRssKiB: process.resourceUsage().maxRSS,
    })}\n`);
  } finally {
    await scanner.close();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  });
}
