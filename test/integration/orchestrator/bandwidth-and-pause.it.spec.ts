import { expect } from 'chai';
import * as path from 'node:path';
import pino from 'pino';
import type { Copier, RunEvent } from '../../../src/api';
import { createChunker } from '../../../src/chunk';
import { NativeCopier } from '../../../src/engines/native';
import { RsyncCopier } from '../../../src/engines/rsync';
import { SimulatedCopier } from '../../../src/engines/simulated';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { Orchestrator, type OrchestratorDeps } from '../../../src/orchestrator/orchestrator';
import { createScanner, type WorkerScanner } from '../../../src/scan';
import { bytesOnDisk, diffTrees, makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';
import { makeProfile } from '../../helpers/profiles';

function bigTree(dirs: number, fileBytes: number): TreeSpec {
  const spec: TreeSpec = {};
  for (let i = 0; i < dirs; i++) spec[`d${i}`] = { 'a.bin': fileBytes, 'b.bin': fileBytes };
  return spec;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('one bandwidth budget and true pause (real engines, real trees)', function () {
  this.timeout(60_000);
  let dir: string;
  let scanner: WorkerScanner;
  before(() => { scanner = createScanner({ threads: 2 }); });
  after(async () => { await scanner.close(); });
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => removeTemp(dir));

  function orchestrator(copier: Copier, extra: Partial<OrchestratorDeps> = {}) {
    const bus = new EventBus('bw-session');
    const events: RunEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const orch = new Orchestrator({ bus, scanner, chunker: createChunker(), copierFor: () => copier, logger: pino({ level: 'silent' }), ...extra });
    return { orch, events };
  }

  it('native engine: aggregate throughput stays within ±15% of the limit, and follows a change mid-run', async () => {
    makeTree(path.join(dir, 'src'), bigTree(8, 3 * 1024 * 1024));
    const copier = new NativeCopier();
    const { orch } = orchestrator(copier, { globalBandwidthMbps: 40 }); // 5,000,000 B/s
    const profile = makeProfile('bw', { engine: 'native', source: path.join(dir, 'src'), destination: path.join(dir, 'dst'), chunking: { mode: 'flat', maxDepth: 1, maxChunkBytes: 1e12, maxChunkFiles: 1e9 } });
    const samples: { t: number; bytes: number }[] = [];
    const t0 = Date.now();
    const sampler = setInterval(() => samples.push({ t: Date.now() - t0, bytes: bytesOnDisk(path.join(dir, 'dst')) }), 100);
    const changer = setTimeout(() => orch.setBandwidthMbps(80), 3500); // 10,000,000 B/s
    const summary = await orch.startReplicationRun([profile], { maxConcurrentJobs: 4 });
    clearInterval(sampler); clearTimeout(changer);
    expect(summary.outcome).to.equal('Success');
    expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
    const rate = (from: number, to: number): number => {
      const a = samples.find((s) => s.t >= from)!; const b = [...samples].reverse().find((s) => s.t <= to)!;
      return ((b.bytes - a.bytes) * 1000) / (b.t - a.t);
    };
    const slow = rate(1000, 3400);
    const fast = rate(4200, 6200);
    expect(slow, `rate at 40 Mbit/s: ${slow}`).to.be.within(5e6 * 0.85, 5e6 * 1.15);
    expect(fast, `rate at 80 Mbit/s: ${fast}`).to.be.within(10e6 * 0.85, 10e6 * 1.15);
  });

  for (const engine of ['native', 'rsync'] as const) {
    it(`${engine}: a suspended pause moves no bytes; after resume the copy completes and matches`, async () => {
      makeTree(path.join(dir, 'src'), bigTree(4, 2 * 1024 * 1024));
      const copier: Copier = engine === 'native' ? new NativeCopier() : new RsyncCopier();
      // Slow the copy down so the pause lands in the middle of it.
      const { orch, events } = orchestrator(copier, { globalBandwidthMbps: 24 });
      const profile = makeProfile('p', { engine, source: path.join(dir, 'src'), destination: path.join(dir, 'dst'), chunking: { mode: 'flat', maxDepth: 1, maxChunkBytes: 1e12, maxChunkFiles: 1e9 } });
      const run = orch.startReplicationRun([profile], { maxConcurrentJobs: 4 });
      const dst = path.join(dir, 'dst');
      const deadline = Date.now() + 10_000;
      while (bytesOnDisk(dst) < 1024 * 1024 && Date.now() < deadline) await sleep(50);
      orch.requestPause({ suspend: true });
      await sleep(300); // let writes already in the kernel land
      const before = bytesOnDisk(dst);
      await sleep(1200);
      const after = bytesOnDisk(dst);
      expect(after, 'bytes moved while suspended').to.equal(before);
      expect(before).to.be.lessThan(8 * 1024 * 1024);
      expect(orch.getStatus().suspended).to.equal(true);
      expect(orch.getStatus().etaSeconds).to.equal(undefined);
      orch.requestResume();
      const summary = await run;
      expect(summary.outcome).to.equal('Success');
      expect(diffTrees(path.join(dir, 'src'), dst)).to.deep.equal([]);
      const paused = events.find((e) => e.type === 'Paused');
      expect(paused?.data).to.deep.include({ suspend: true });
      const resumed = events.find((e) => e.type === 'Resumed');
      expect((resumed?.data as { pausedMs: number }).pausedMs).to.be.at.least(1400);
      await copier.close?.();
    });
  }

  for (const action of ['resume', 'stop'] as const) {
    it(`a pause that outlasts pauseTimeout ends by itself (${action})`, async () => {
      makeTree(path.join(dir, 'src'), { a: { f: 'x' }, b: { g: 'y' }, c: { h: 'z' } });
      const copier = new SimulatedCopier({ script: { '*': { durationMs: 100 } } });
      const { orch, events } = orchestrator(copier, { pauseTimeout: { ms: 300, action } });
      const profile = makeProfile('p', { source: path.join(dir, 'src'), destination: path.join(dir, 'dst'), chunking: { mode: 'flat', maxDepth: 1, maxChunkBytes: 1e12, maxChunkFiles: 1e9 } });
      let paused = false;
      const summary = await orch.startReplicationRun([profile], {
        maxConcurrentJobs: 1, tickIntervalMs: 20,
        onProgress: (s) => { if (!paused && s.activeCount > 0) { paused = true; orch.requestPause(); } },
      });
      const warning = events.find((e) => e.type === 'Warning');
      expect(warning?.data).to.include({ code: 'PAUSE_TIMEOUT' });
      expect(summary.outcome).to.equal(action === 'resume' ? 'Success' : 'Stopped');
    });
  }
});
