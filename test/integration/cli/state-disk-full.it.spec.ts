import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { mountTmpfs, writeRunConfig } from '../lifecycle/lifecycle-kit';

type Summary = { outcome: string; exitCode: number; profiles: { result: string; error?: string; chunksOk: number }[] };

/**
 * The state directory's disk fills up (global.stateDir on a small tmpfs, real CLI, like cron).
 * Before, the chunk results' next commit threw out of a timer: an uncaught exception with its
 * stack on stderr, no summary, chunks in flight cut off. Now the run stops as for a stop request
 * (jobs killed, their temp files removed), the profile fails naming the database, exit 4, and a
 * run after room is made completes the copy.
 */
describe('a state directory that fills up (real CLI, like cron)', function () {
  this.timeout(180_000);
  let dir: string;
  let unmount: (() => void) | undefined;
  before(function () {
    if (process.getuid?.() !== 0) this.skip(); // mounting a tmpfs needs root (CI runs as root)
  });
  beforeEach(() => {
    dir = tempDir('robocurse-statefull-');
    // 400 chunks of one file: a few hundred kilobytes of chunk records.
    const tree: Record<string, Record<string, string>> = {};
    for (let i = 0; i < 400; i++) tree[`d${i}`] = { [`f${i}.txt`]: `file ${i}\n`.repeat(20) };
    makeTree(path.join(dir, 'src'), tree);
    fs.mkdirSync(path.join(dir, 'outside'));
    fs.writeFileSync(path.join(dir, 'outside', 'keep.txt'), 'untouched');
  });
  afterEach(() => {
    unmount?.();
    unmount = undefined;
    removeTemp(dir);
  });

  const config = (state: string): string =>
    writeRunConfig(dir, { data: { source: 'src', destination: 'dst', engine: 'native', chunking: { maxChunkFiles: 1 } } }, { stateDir: state });

  it('mid-run: the run stops, the profile fails naming the database (exit 4, no trace), and the next run completes', async () => {
    const state = path.join(dir, 'state');
    unmount = mountTmpfs(state, '1m', 'mode=0700');
    const r = await runCliLikeCron(['run', '-c', config(state), '--all', '--json'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(4);
    const s = r.summary as unknown as Summary;
    expect(s.outcome, r.stdout).to.equal('Error');
    expect(s.profiles[0].result).to.equal('Failed');
    expect(s.profiles[0].error).to.equal(`the state database ${path.join(state, 'robocurse.db')} (global.stateDir) cannot be written: database or disk is full (SQLITE_FULL)`);
    // It stopped in the middle: some chunks done, not all (else this test did not test it).
    expect(s.profiles[0].chunksOk).to.be.above(0).and.below(400);
    expect(r.stderr).to.contain('the run stops, since what it copies from now on could not be resumed');
    expect(r.stderr).to.not.match(/^\s+at /m);
    expect(r.stderr).to.not.contain('uncaught');
    // What is in the copy is whole (no temp file, no half file), and nothing outside changed.
    for (const rel of fs.readdirSync(path.join(dir, 'dst'), { recursive: true }) as string[]) {
      const abs = path.join(dir, 'dst', rel);
      if (fs.statSync(abs).isDirectory()) continue;
      expect(rel, 'only the source\'s files').to.match(/^d\d+\/f\d+\.txt$/);
      expect(fs.readFileSync(abs).equals(fs.readFileSync(path.join(dir, 'src', rel))), rel).to.equal(true);
    }
    expect(fs.readdirSync(path.join(dir, 'outside'))).to.deep.equal(['keep.txt']);
    // Room made (the tmpfs gone: the state folder is an empty directory again): the copy completes.
    unmount();
    unmount = undefined;
    fs.chmodSync(state, 0o700);
    const again = await runCliLikeCron(['run', '-c', config(state), '--all', '--json'], { cwd: dir });
    expect(again.code, again.stderr).to.equal(0);
    expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
  });

  it('full before the run records anything: refused (exit 4), naming the state database, nothing copied', async () => {
    const state = path.join(dir, 'state');
    unmount = mountTmpfs(state, '256k', 'mode=0700');
    // The database made, then the rest of the disk taken by another file.
    const first = await runCliLikeCron(['validate', '-c', config(state)], { cwd: dir });
    expect(first.code, first.stderr).to.equal(0);
    const fill = fs.openSync(path.join(state, 'filler'), 'w');
    try { for (;;) fs.writeSync(fill, Buffer.alloc(4096)); } catch { /* ENOSPC: full */ } finally { fs.closeSync(fill); }
    const r = await runCliLikeCron(['run', '-c', config(state), '--all', '--json'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(4);
    expect(r.stdout + r.stderr).to.match(/state database .*robocurse\.db.*(global\.stateDir).*(SQLITE_FULL|full|ENOSPC)/);
    expect(r.stderr).to.not.match(/^\s+at /m);
    expect(fs.existsSync(path.join(dir, 'dst')) ? fs.readdirSync(path.join(dir, 'dst')) : []).to.deep.equal([]);
  });
});
