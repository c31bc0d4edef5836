import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, processesMentioning, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';
import { sessionEvents } from '../snapshot/cli-run';

/** `--bwlimit=N` (KiB/s) of every distinct rsync command line running now under `marker`. */
function runningBwlimits(marker: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of processesMentioning(marker)) {
    if (!/rsync$/.test(p.cmdline[0] ?? '')) continue;
    const bw = p.cmdline.find((a) => a.startsWith('--bwlimit='));
    // rsync forks a receiver with the same argv: one entry per command line, not per process.
    out.set(p.cmdline.join('\0'), bw ? Number(bw.slice('--bwlimit='.length)) : Infinity);
  }
  return out;
}

describe('bandwidth budget with a fixed-at-start engine (real CLI and rsync, like cron)', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-bwcli-'); });
  afterEach(() => removeTemp(dir));

  it('the --bwlimit of the rsync jobs running together never adds up to more than the budget', async () => {
    const spec: TreeSpec = {};
    for (let i = 0; i < 10; i++) spec[`d${i}`] = { 'f.bin': 300_000 + i * 40_000 };
    makeTree(path.join(dir, 'src'), spec);
    makeTree(path.join(dir, 'victim'), { 'keep.txt': 'untouched' });
    const victim = hashTree(path.join(dir, 'victim'));
    const cfg = path.join(dir, 'robocurse.json');
    // 8 Mbit/s = 1,000,000 B/s for 4 jobs: each chunk takes about a second, so several overlap.
    fs.writeFileSync(cfg, JSON.stringify({
      version: 1, global: { logDir: 'logs', stateDir: 'state', maxConcurrentJobs: 4, bandwidthLimitMbps: 8 },
      profiles: { data: { source: 'src', destination: 'dst', engine: 'rsync', chunking: { maxChunkFiles: 1 } } },
    }));
    const seen: number[] = [];
    const sampler = setInterval(() => {
      const bw = runningBwlimits(path.join(dir, 'src'));
      if (bw.size > 0) seen.push([...bw.values()].reduce((a, b) => a + b, 0));
    }, 25);
    let r;
    try { r = await runCliLikeCron(['run', '--config', cfg, '--all', '--json'], { cwd: dir }); } finally { clearInterval(sampler); }

    expect(r.code, r.stderr).to.equal(0);
    expect(r.summary?.outcome).to.equal('Success');
    expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
    expect(hashTree(path.join(dir, 'victim'))).to.equal(victim);

    // What rsync was really given, sampled from /proc while it ran (KiB/s).
    expect(seen.length, 'rsync jobs were seen running').to.be.above(0);
    expect(Math.max(...seen), `sums of --bwlimit seen: ${[...new Set(seen)].join(', ')}`).to.be.at.most(Math.floor(1_000_000 / 1024));

    // What the run says it gave: at every start, the rates of the jobs running then fit the budget.
    const events = sessionEvents(path.join(dir, 'state'), String(r.summary!.sessionId));
    const running = new Map<string, number>();
    let starts = 0;
    for (const e of events) {
      const id = String(e.data.chunkId);
      if (e.type === 'ChunkStart') {
        const rate = e.data.bandwidthBytesPerSec as number;
        expect(rate, 'each rsync job gets a rate of its own').to.be.a('number').and.above(0);
        running.set(id, rate);
        starts++;
        expect([...running.values()].reduce((a, b) => a + b, 0)).to.be.at.most(1_000_000);
      } else if (e.type === 'ChunkComplete') running.delete(id);
    }
    expect(starts).to.equal(10);
    // The first four started together: a quarter each, the whole budget and no more.
    const firstFour = events.filter((e) => e.type === 'ChunkStart').slice(0, 4).map((e) => e.data.bandwidthBytesPerSec);
    expect(firstFour).to.deep.equal([250_000, 250_000, 250_000, 250_000]);
  });
});
