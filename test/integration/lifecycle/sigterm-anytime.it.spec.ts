import { expect } from 'chai';
import * as path from 'node:path';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { startCli } from '../../helpers/run-cli';
import { lastRunEvidence } from '../../helpers/run-evidence';
import { writeRunConfig } from './lifecycle-kit';

/**
 * A SIGTERM at any moment of a run's life never leaves its profile lock behind, nor a session
 * without an outcome: the handler is installed before the lock is taken and removed after it is
 * released. Before that window, Node's default action ends the process, and there is no lock yet.
 */
describe('SIGTERM at any moment of a run (CLI as a child process)', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    dir = tempDir('robocurse-sigterm-');
    makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'a' }, b: { 'g.txt': 'b' }, c: { 'h.txt': 'c' } });
  });
  after(() => removeTemp(dir));

  it('leaves no lock and no session without outcome, 15 kills spread over start-up, run and shut-down', async () => {
    const cfg = writeRunConfig(dir, { p: { source: 'src', destination: 'dst', engine: 'simulated', chunking: { maxChunkFiles: 1 },
      engineOptions: { simulated: { script: { '*': { durationMs: 300 } } } } } }, { maxConcurrentJobs: 1 });
    const stateDir = path.join(dir, 'out', 'state');
    const outcomes: string[] = [];
    for (let i = 0; i < 15; i++) {
      const p = startCli(['run', '-c', cfg, '--all', '--no-resume']);
      // From "still loading" to "finishing": 0 to 1.4 s in even steps (a run takes about a second).
      await new Promise((r) => setTimeout(r, i * 100));
      p.child.kill('SIGTERM');
      const r = await p.result;
      outcomes.push(r.signal ?? String(r.code));
      expect([0, 3, null], `kill ${i}: ${r.stderr}`).to.include(r.code);
      if (r.code === null) expect(r.signal).to.equal('SIGTERM'); // before the handler: nothing taken yet
      const ev = lastRunEvidence(stateDir);
      expect(ev.locks, `kill ${i} (${outcomes[i]}) left a lock`).to.deep.equal([]);
      if (ev.run) expect(ev.run.outcome, `kill ${i} (${outcomes[i]}): session ${ev.run.sessionId} has no outcome`).to.be.a('string');
    }
    // The spread reached the run itself, not only start-up.
    expect(outcomes.filter((o) => o === '3').length, outcomes.join(' ')).to.be.greaterThan(0);
  });
});
