import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StateStore } from '../../../src/state';
import { diffTrees, makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';
import { runCli, startCli } from '../../helpers/run-cli';

/** Every file under `root` whose name marks a temp or partial copy. */
function leftovers(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tmp$|robocurse-partial/.test(e.name)) out.push(p);
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out;
}

/** A deterministic tree of a few thousand small files and a few larger ones. */
function crashTree(): TreeSpec {
  const spec: TreeSpec = {};
  for (let d = 0; d < 40; d++) {
    const dir: TreeSpec = {};
    for (let f = 0; f < 75; f++) dir[`file-${f}.dat`] = 2000 + ((d * 75 + f) % 7) * 900;
    if (d % 20 === 0) dir['large.bin'] = 1024 * 1024;
    spec[`dir-${String(d).padStart(2, '0')}`] = dir;
  }
  return spec;
}

describe('crash-safe resume: SIGKILL at random moments, resumed each time (native engine)', function () {
  this.timeout(240_000);
  let dir: string;
  before(() => {
    dir = tempDir('robocurse-crash-');
    makeTree(path.join(dir, 'src'), crashTree());
    fs.writeFileSync(path.join(dir, 'robocurse.json'), JSON.stringify({
      version: 1,
      // ~17 MB at 10 Mbit/s: over ten seconds of copying, so every kill lands mid-copy, while
      // chunks of 25 small files finish in well under a second each, so kills also land between chunks.
      global: { logDir: 'logs', stateDir: 'state', maxConcurrentJobs: 4, bandwidthLimitMbps: 10 },
      profiles: { bulk: { source: 'src', destination: 'dst', chunking: { maxChunkFiles: 25 } } },
    }));
  });
  after(() => removeTemp(dir));

  it('ends with the destination equal to the source, every chunk complete exactly once, no temp files', async () => {
    const cfg = path.join(dir, 'robocurse.json');
    // Deterministic "random" kill times, so a failure can be reproduced.
    let seed = 42;
    const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    const kills = 12;
    for (let i = 0; i < kills; i++) {
      const p = startCli(['run', '--config', cfg, '--all', '--log-level', 'info']);
      // Kill only once the session is under way (start-up time varies with the machine's load);
      // every other kill only once a chunk of this run is done, so however slow the machine, the
      // chain of killed runs makes progress and the final run has something to resume.
      const t0 = Date.now();
      const ready = (): boolean => p.stderrSoFar().includes('starting') && (i % 2 === 0 || /\) Complete(WithWarnings)?:/.test(p.stderrSoFar()));
      while (!ready() && p.child.exitCode === null && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 150 + Math.floor(rand() * 1100)));
      p.child.kill('SIGKILL');
      const r = await p.result;
      if (r.code === 0) break; // finished before the kill: nothing more to kill
      expect(r.signal, `run ${i}: ${r.stderr}`).to.equal('SIGKILL');
    }
    const final = await runCli(['run', '--config', cfg, '--all', '--json', '--log-level', 'warn']);
    expect(final.code, final.stderr).to.equal(0);

    expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
    expect(leftovers(path.join(dir, 'dst'))).to.deep.equal([]);

    const store = StateStore.open(path.join(dir, 'state'));
    try {
      const history = store.history(50);
      expect(history.filter((h) => h.state === 'interrupted').length, 'killed runs').to.be.at.least(10);
      // Every killed run after the first resumed the one before it.
      expect(history.filter((h) => h.profiles[0]?.profileRun.resumedFrom !== null).length).to.be.at.least(10);
      const last = history[0];
      expect(last.state).to.equal('ended');
      const pr = last.profiles[0].profileRun;
      const rows = store.listChunks(pr.id);
      const ids = rows.map((r) => r.chunkId);
      expect(new Set(ids).size).to.equal(ids.length);
      expect(rows.length).to.equal(pr.chunksTotal);
      expect(rows.every((r) => ['Complete', 'CompleteWithWarnings', 'Skipped'].includes(r.status)), JSON.stringify(rows.filter((r) => !['Complete', 'CompleteWithWarnings', 'Skipped'].includes(r.status)))).to.equal(true);
      // Resumed: the final run did not copy everything again.
      expect(rows.some((r) => r.status === 'Skipped')).to.equal(true);
      const stored = store.listChunks(pr.id).length;
      expect(stored).to.be.greaterThan(20);
    } finally {
      store.close();
    }
  });
});
