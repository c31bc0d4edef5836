import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

describe('learnt ETA (real CLI, like cron)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-eta-'); });
  afterEach(() => removeTemp(dir));

  it('the second run of a profile shows an ETA before its first chunk finishes; the first cannot', async () => {
    makeTree(dir, { src: { a: { 'x.bin': 4000 }, b: { 'y.bin': 2000 }, c: { 'z.bin': 1000 } } });
    const cfg = path.join(dir, 'robocurse.json');
    // Chunks that take 3 s each (simulated engine), one job at a time: the status lines of the
    // first seconds come before any chunk has finished.
    fs.writeFileSync(cfg, JSON.stringify({
      version: 1, global: { logDir: 'logs', stateDir: 'state', maxConcurrentJobs: 1 },
      profiles: { docs: { source: 'src', destination: 'dst', engine: 'simulated', chunking: { maxChunkFiles: 1 }, engineOptions: { simulated: { script: { '*': { durationMs: 3000 } }, progressIntervalMs: 100000 } } } },
    }));
    type Status = { type: string; phase: string; chunksComplete: number; chunksTotal: number; etaSeconds?: number; learnedEtaSeconds?: number; bestEtaSeconds?: number };
    const early = (lines: Array<Record<string, unknown>>): Status[] =>
      (lines as unknown as Status[]).filter((l) => l.type === 'status' && l.phase === 'Replicating' && l.chunksComplete === 0);

    const first = await runCliLikeCron(['run', '--config', cfg, '--all', '--json'], { cwd: dir });
    expect(first.code, first.stderr).to.equal(0);
    expect(early(first.lines).length).to.be.above(0);
    expect(early(first.lines).every((l) => l.learnedEtaSeconds === undefined && l.bestEtaSeconds === undefined)).to.equal(true);

    const second = await runCliLikeCron(['run', '--config', cfg, '--all', '--json', '--no-resume'], { cwd: dir });
    expect(second.code, second.stderr).to.equal(0);
    const before = early(second.lines);
    expect(before.length).to.be.above(0);
    // No live throughput yet (nothing copied), but the history knows: 3 chunks of ~3 s on one lane.
    expect(before[0].etaSeconds).to.equal(undefined);
    expect(before[0].learnedEtaSeconds).to.be.within(5, 20);
    expect(before[0].bestEtaSeconds).to.equal(before[0].learnedEtaSeconds);
    expect(before[0].chunksTotal).to.equal(3);
  });
});
