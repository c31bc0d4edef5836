import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StateStore } from '../../../src/state';
import { runCliLikeCron, waitForNoProcesses, type CronResult } from '../../helpers/cli-child';
import { diffTrees, makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';
import { runCli, startCli } from '../../helpers/run-cli';
import { expectEnded, writeRailsConfig } from './rails-kit';

/** Eight subtrees of ~120 KB: eight chunks; at 2 Mbit/s the run takes several seconds. */
function tree(): TreeSpec {
  const spec: TreeSpec = {};
  for (let d = 0; d < 8; d++) spec[`dir-${d}`] = { 'a.bin': 40_000 + d, 'b.bin': 40_000, nested: { 'c.bin': 40_000 } };
  return spec;
}

/** Chunks the newest run has completed so far (0 while there is no database yet). */
function completedSoFar(stateDir: string): number {
  if (!fs.existsSync(path.join(stateDir, 'robocurse.db'))) return 0;
  let store: StateStore | undefined;
  try {
    store = StateStore.open(stateDir, { readonly: true });
    return store.history(1)[0]?.profiles[0]?.counts.Complete ?? 0;
  } catch {
    return 0; // being created and migrated by the run right now
  } finally {
    store?.close();
  }
}

describe('resume checks the destination before it skips a chunk (CLI)', function () {
  this.timeout(180_000);
  let dir: string;
  let cfg: string;
  beforeEach(() => { dir = tempDir('robocurse-resume-'); makeTree(path.join(dir, 'src'), tree()); });
  afterEach(async () => { await waitForNoProcesses(dir, 10_000); removeTemp(dir); });

  /** Starts a run and stops it with `robocurse stop` from another process once `n` chunks are done. */
  async function stopAfter(n: number, engine: string): Promise<void> {
    // Slow (0.5 Mbit/s: ~16 s for the tree), so the `stop` lands before the run ends even when a
    // loaded machine takes seconds to start the stop command; the resumed run goes at full speed.
    const profiles = { docs: { source: 'src', destination: 'dst', engine, chunking: { maxChunkFiles: 3 } } };
    cfg = writeRailsConfig(dir, profiles, { maxConcurrentJobs: 1, bandwidthLimitMbps: 0.5 });
    const running = startCli(['run', '--config', cfg, '--all']);
    const until = Date.now() + 120_000;
    while (completedSoFar(path.join(dir, 'state')) < n && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const stop = await runCli(['stop', '--config', cfg, '--profile', 'docs']);
    expect(stop.code, stop.stderr).to.equal(0);
    const r = await running.result;
    expect(r.code, r.stderr).to.equal(3);
    expect(completedSoFar(path.join(dir, 'state'))).to.be.at.least(n).and.below(8);
    writeRailsConfig(dir, profiles, { maxConcurrentJobs: 1 });
  }

  const skippedOf = (r: CronResult): number => (r.summary ? Number((r.summary.profiles as Array<{ chunksSkipped: number }>)[0].chunksSkipped)
    : Number(/(\d+) already done/.exec(r.stdout)?.[1] ?? 0));

  for (const [engine, json] of [['native', []], ['rsync', ['--json']]] as const) {
    it(`${engine}${json.length ? ', --json' : ''}: stopped, destination wiped, run again: every chunk runs, all files arrive, nothing claimed done`, async () => {
      await stopAfter(2, engine);
      fs.rmSync(path.join(dir, 'dst'), { recursive: true, force: true });
      const r = await runCliLikeCron(['run', '--config', cfg, '--all', '--log-level', 'info', ...json]);
      expectEnded(r, path.join(dir, 'state'), 0);
      expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
      expect(skippedOf(r)).to.equal(0);
      expect(r.stdout).to.not.contain('already done');
      expect(r.stderr).to.match(/resume: chunk .* was done, but runs again: its destination .* is missing/);
    });
  }

  it('an untouched destination is still resumed; a chunk whose top was changed runs again, the others are skipped', async () => {
    await stopAfter(3, 'native');
    const store = StateStore.open(path.join(dir, 'state'), { readonly: true });
    const done = store.listChunks(store.history(1)[0].profiles[0].profileRun.id, 'Complete').map((c) => c.relPath);
    store.close();
    expect(done.length).to.be.at.least(3);
    fs.rmSync(path.join(dir, 'dst', done[0], 'a.bin'));
    const r = await runCliLikeCron(['run', '--config', cfg, '--all', '--json', '--log-level', 'info']);
    expectEnded(r, path.join(dir, 'state'), 0);
    expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
    const skipped = skippedOf(r);
    expect(skipped).to.equal(done.length - 1);
    expect(r.stderr).to.contain('no longer holds what the chunk left there');
  });
});
