import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

interface StatusLine { type: string; overallProgress: number; overallTotalEstimated?: boolean; profileIndex: number; overallBytesTotal: number }

/** Three profiles of different sizes; `big` is the middle one, so its scan used to pull the percentage down. */
function writeTrees(dir: string, bigFiles: number): void {
  const files = (n: number, size: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}.bin`, size]));
  makeTree(path.join(dir, 'a'), files(8, 1_000_000));
  makeTree(path.join(dir, 'b'), files(bigFiles, 1_000_000));
  makeTree(path.join(dir, 'c'), files(2, 1_000_000));
}

function writeConfig(dir: string, dst: string): string {
  const file = path.join(dir, 'robocurse.json');
  // 32 Mbit/s = 4 MB/s: seconds per profile, several --json status lines (one a second) each.
  fs.writeFileSync(file, JSON.stringify({
    version: 1, global: { logDir: 'logs', stateDir: 'state', maxConcurrentJobs: 2, bandwidthLimitMbps: 32 },
    profiles: Object.fromEntries(['a', 'b', 'c'].map((p) => [p, { source: p, destination: path.join(dst, p), engine: 'native', chunking: { maxChunkFiles: 2 } }])),
  }));
  return file;
}

function statusLines(lines: Array<Record<string, unknown>>): StatusLine[] {
  return lines.filter((l) => l.type === 'status') as unknown as StatusLine[];
}

function expectNonDecreasing(seen: StatusLine[]): void {
  for (let i = 1; i < seen.length; i++) {
    expect(seen[i].overallProgress, `status line ${i}: ${seen.map((s) => s.overallProgress).join(' ')}`).to.be.at.least(seen[i - 1].overallProgress);
  }
}

describe('overall progress across profiles never goes backwards (CLI like cron, --json)', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-overall-'); });
  afterEach(() => removeTemp(dir));

  it('first run (later profiles scanned up front) and a second run whose middle profile grew past its last size', async () => {
    writeTrees(dir, 12);
    makeTree(path.join(dir, 'victim'), { 'keep.txt': 'untouched' });
    const victim = hashTree(path.join(dir, 'victim'));

    const first = await runCliLikeCron(['run', '--config', writeConfig(dir, 'dst1'), '--all', '--json'], { cwd: dir });
    expect(first.code, first.stderr).to.equal(0);
    const seen1 = statusLines(first.lines);
    expect(seen1.filter((s) => s.profileIndex === 1).length, 'status lines during the big profile').to.be.above(1);
    expectNonDecreasing(seen1);
    // While profile b runs, the total counts c as well (sized up front, beside the copy of a): 22 MB, not 20 MB.
    const during = seen1.filter((s) => s.profileIndex === 1);
    expect(during.map((s) => s.overallBytesTotal)).to.include(22_000_000);
    expect(during.every((s) => s.overallTotalEstimated === true)).to.equal(true);
    expect(seen1[seen1.length - 1]).to.include({ overallProgress: 100, overallTotalEstimated: false });
    for (const p of ['a', 'b', 'c']) expect(rsyncDifferences(path.join(dir, p), path.join(dir, 'dst1', p)), p).to.deep.equal([]);

    // b grows from 12 to 48 MB: its estimate (12 MB, last run) is far too small. When a ends the run
    // shows 8 of 22 MB (36 %); b's scan makes it 8 of 58 MB (14 %): the figure holds instead of falling.
    makeTree(path.join(dir, 'b'), Object.fromEntries(Array.from({ length: 36 }, (_, i) => [`g${i}.bin`, 1_000_000])));
    const second = await runCliLikeCron(['run', '--config', writeConfig(dir, 'dst2'), '--all', '--json'], { cwd: dir });
    expect(second.code, second.stderr).to.equal(0);
    const seen2 = statusLines(second.lines);
    expect(seen2.filter((s) => s.profileIndex === 1).length).to.be.above(1);
    expectNonDecreasing(seen2);
    expect(seen2[seen2.length - 1]).to.include({ overallProgress: 100, overallTotalEstimated: false });
    for (const p of ['a', 'b', 'c']) expect(rsyncDifferences(path.join(dir, p), path.join(dir, 'dst2', p)), p).to.deep.equal([]);
    expect(hashTree(path.join(dir, 'victim'))).to.equal(victim);
  });
});
