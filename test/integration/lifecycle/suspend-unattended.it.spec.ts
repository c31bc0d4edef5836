import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCliLikeCron, rsyncDifferences } from '../../helpers/cli-child';
import { diffTrees, makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { expectRunEnded, jsonSummary } from '../../helpers/run-evidence';
import { startCli } from '../../helpers/run-cli';
import { sessionEvents, waitFor, writeRunConfig } from './lifecycle-kit';

/** Files under `root` whose names mark a copy in progress. */
function tempFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (/\.robocurse-[0-9a-f]+\.tmp$/.test(e.name)) out.push(path.join(d, e.name));
    }
  };
  walk(root);
  return out;
}

/**
 * `robocurse suspend` of a run whose output is not a terminal. The native engine parks its copies
 * on a promise; with no terminal holding stdin nothing else held the event loop, so the process
 * ended at once with exit 0, a half-written temp file and its directories still at 0700 (modes are
 * applied when a directory is finished). The run now owns the loop until it has ended.
 */
describe('suspend of an unattended run (native engine, CLI as a child process)', function () {
  this.timeout(180_000);
  let dir: string;
  let run: ReturnType<typeof startCli> | undefined;
  beforeEach(() => { dir = tempDir('robocurse-suspend-'); });
  afterEach(async () => {
    // A failed test must not leave a suspended run behind (it would wait for `resume` forever).
    if (run && run.child.exitCode === null && run.child.signalCode === null) { run.child.kill('SIGKILL'); await run.result; }
    run = undefined;
    removeTemp(dir);
  });

  for (const json of [false, true]) {
    it(`stays suspended until resumed, then finishes: exit 0, tree identical, no temp file, modes right${json ? ' (--json)' : ''}`, async () => {
      makeTree(path.join(dir, 'src'), { a: { 'big.bin': 2_500_000 }, b: { 'big.bin': 2_500_000 }, c: { 'small.txt': 's' } });
      fs.chmodSync(path.join(dir, 'src', 'a'), 0o750);
      fs.chmodSync(path.join(dir, 'src', 'b'), 0o755);
      // 3 Mbit/s for 5 MB: over ten seconds of copying, so the suspend lands mid-file even when the
      // `suspend` command itself takes seconds to start on a busy machine.
      const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'dst', chunking: { maxChunkFiles: 1 } } }, { bandwidthLimitMbps: 3 });
      const stateDir = path.join(dir, 'out', 'state');
      run = startCli(['run', '-c', cfg, '--all', ...(json ? ['--json'] : [])], { env: { TERM: 'dumb' } });
      expect(await waitFor(() => fs.existsSync(path.join(dir, 'dst')) && tempFiles(path.join(dir, 'dst')).length > 0)).to.equal(true);
      const s = await runCliLikeCron(['suspend', '-c', cfg, '-p', 'p', '--wait', '30']);
      expect(s.code, s.stderr).to.equal(0);
      expect(s.stdout).to.contain('applied');
      expect(await waitFor(() => sessionEvents(stateDir).some((e) => e.type === 'Paused' && (e.data as { suspend: boolean }).suspend))).to.equal(true);
      await new Promise((r) => setTimeout(r, 2000));
      expect(run.child.exitCode, `ended while suspended: ${run.stderrSoFar()}`).to.equal(null);
      expect(tempFiles(path.join(dir, 'dst')).length, 'a copy is parked mid-file').to.be.greaterThan(0);
      const r = await runCliLikeCron(['resume', '-c', cfg, '-p', 'p', '--wait', '30']);
      expect(r.code, r.stderr).to.equal(0);
      const out = await run.result;
      run = undefined;
      const summary = json ? jsonSummary(out.stdout) : undefined;
      expectRunEnded({ ...out, summary }, stateDir, 0, json);
      expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
      expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
      expect(tempFiles(path.join(dir, 'dst'))).to.deep.equal([]);
      expect(fs.statSync(path.join(dir, 'dst', 'a')).mode & 0o777).to.equal(0o750);
      expect(fs.statSync(path.join(dir, 'dst', 'b')).mode & 0o777).to.equal(0o755);
    });
  }
});
