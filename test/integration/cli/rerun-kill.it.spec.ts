import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';
import { startCli } from '../../helpers/run-cli';

/**
 * A SIGTERM while an unchanged re-run walks its subtrees on the copy threads (clean-walk.ts):
 * the run stops (exit 3) or had finished (exit 0), writes nothing in the destination (no file
 * rewritten or touched, no temp file left), and the next run like cron completes with every file
 * booked unchanged. Kills are spread over the copy phase by what the run printed, then a delay.
 */
describe('SIGTERM during an unchanged re-run (CLI like cron, native engine)', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => { dir = tempDir('robocurse-rerun-kill-'); });
  after(() => removeTemp(dir));

  /** Inode and ctime of every entry under `root` (files and directories): anything written or set has another. */
  function identities(root: string): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (rel: string): void => {
      for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        const st = fs.lstatSync(path.join(root, r), { bigint: true });
        out.set(r, `${st.ino}@${st.ctimeNs}`);
        if (e.isDirectory()) walk(r);
      }
    };
    walk('');
    return out;
  }

  it('stops cleanly at any moment, writes nothing, and the next run finds everything up to date', async () => {
    // 2 chunks of 200 directories (three levels) with 12 files each: 4,800 files.
    const spec: TreeSpec = {};
    for (const top of ['a', 'b']) {
      const t: TreeSpec = {};
      for (let i = 0; i < 10; i++) {
        const mid: TreeSpec = {};
        for (let j = 0; j < 20; j++) {
          const leaf: TreeSpec = {};
          for (let f = 0; f < 12; f++) leaf[`f${f}.dat`] = `${top}${i}${j}${f}`;
          mid[`l${j}`] = leaf;
        }
        t[`m${i}`] = mid;
      }
      spec[top] = t;
    }
    const src = path.join(dir, 'src');
    const dst = path.join(dir, 'dst');
    makeTree(src, spec);
    makeTree(path.join(dir, 'beside'), { 'victim.txt': 'outside the destination' });
    const beside = hashTree(path.join(dir, 'beside'));
    const file = path.join(dir, 'robocurse.json');
    fs.writeFileSync(file, JSON.stringify({
      version: 1, global: { logDir: 'logs', stateDir: 'state' },
      profiles: { nightly: { source: 'src', destination: 'dst', mirror: true, chunking: { maxChunkFiles: 3000 } } },
    }));
    const first = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir });
    expect(first.code, first.stderr + first.stdout).to.equal(0);
    const files = (first.summary!.profiles as Array<Record<string, unknown>>)[0].filesCopied as number;
    expect(files).to.equal(4800);
    const before = identities(dst);

    const codes: Array<number | null> = [];
    for (const delayMs of [0, 60, 120, 200, 300, 450]) {
      const p = startCli(['run', '--config', file, '--all', '--log-level', 'info'], { cwd: dir });
      const t0 = Date.now();
      // The destination probe is the last step before the chunks start.
      while (!p.stderrSoFar().includes('compares names') && p.child.exitCode === null && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 5));
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      p.child.kill('SIGTERM');
      const r = await p.result;
      codes.push(r.code);
      expect([0, 3], `kill after ${delayMs} ms: ${r.stderr.slice(-2000)}`).to.include(r.code);
      expect(identities(dst), `kill after ${delayMs} ms: nothing in the destination written, set or left behind`).to.deep.equal(before);
    }
    // Most kills must have landed while the run copied, or the test says nothing.
    expect(codes.filter((c) => c === 3).length, `exit codes ${codes.join(', ')}`).to.be.greaterThan(2);

    const again = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir });
    expect(again.code, again.stderr + again.stdout).to.equal(0);
    const profile = (again.summary!.profiles as Array<Record<string, unknown>>)[0];
    expect([profile.filesCopied, profile.filesSkipped]).to.deep.equal([0, 4800]);
    expect(identities(dst)).to.deep.equal(before);
    expect(rsyncDifferences(src, dst)).to.deep.equal([]);
    expect(hashTree(path.join(dir, 'beside'))).to.equal(beside);
  });
});
