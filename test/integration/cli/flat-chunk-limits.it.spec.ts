import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { runCli } from '../../helpers/run-cli';

interface PlannedChunk { kind: string; relPath: string; depth: number; estimatedFiles: number; estimatedBytes: number }

describe('flat chunking honours maxChunkFiles/maxChunkBytes (CLI like cron)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-flat-'); });
  afterEach(() => removeTemp(dir));

  it('a subtree over the limits is split below maxDepth; the run copies everything exactly', async () => {
    // big: 7 files (over maxChunkFiles 4) in its own files and two subdirectories; small: 1 file.
    makeTree(path.join(dir, 'src'), {
      'root.txt': 5,
      big: { 'own.bin': 100, a: { '1': 100, '2': 100, '3': 100 }, b: { '1': 100, '2': 100, '3': 100 } },
      small: { 'x.txt': 10 },
    });
    makeTree(path.join(dir, 'victim'), { 'keep.txt': 'untouched' });
    const victim = hashTree(path.join(dir, 'victim'));
    const file = path.join(dir, 'robocurse.json');
    fs.writeFileSync(file, JSON.stringify({
      version: 1, global: { logDir: 'logs', stateDir: 'state' },
      profiles: { docs: { source: 'src', destination: 'dst', engine: 'native', chunking: { mode: 'flat', maxDepth: 1, maxChunkFiles: 4, maxChunkBytes: '1MB' } } },
    }));

    // plan --json prints one JSON document, read whole.
    const plan = await runCli(['plan', '--config', file, '--all', '--json'], { cwd: dir, env: { TERM: 'dumb' } });
    expect(plan.code, plan.stderr).to.equal(0);
    const chunks = (JSON.parse(plan.stdout) as { profiles: Array<{ chunks: PlannedChunk[] }> }).profiles[0].chunks;
    expect(chunks.map((c) => `${c.kind}:${c.relPath}`).sort()).to.deep.equal(['files-only:', 'files-only:big', 'tree:big/a', 'tree:big/b', 'tree:small']);
    for (const c of chunks) expect(c.estimatedFiles, c.relPath).to.be.at.most(4);

    const run = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.summary, run.stdout).to.not.equal(undefined);
    expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
    expect(hashTree(path.join(dir, 'victim'))).to.equal(victim);
  });
});
