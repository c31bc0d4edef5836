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
    // The moments, by what the run has printed (not by the clock: start-up takes 0.3 s on an idle
    // machine and several seconds on a busy one): at once; once the session is starting (locks
    // held, orchestrator attached); once a chunk is done; once the summary is out (shut-down);
    // a little after starting.
    const moments: { name: string; ready: (out: string, err: string) => boolean; delayMs?: number }[] = [
      { name: 'at once', ready: () => true },
      { name: 'starting', ready: (_o, e) => e.includes(' starting') },
      { name: 'a chunk done', ready: (_o, e) => /\) Complete:/.test(e) },
      { name: 'summary out', ready: (o) => o.includes('robocurse session ') },
      { name: 'after starting', ready: (_o, e) => e.includes(' starting'), delayMs: 150 },
    ];
    const outcomes: string[] = [];
    for (let i = 0; i < 15; i++) {
      const m = moments[i % moments.length];
      let stdout = '';
      const p = startCli(['run', '-c', cfg, '--all', '--no-resume', '--log-level', 'info']);
      p.child.stdout!.on('data', (b: Buffer) => { stdout += b.toString(); });
      const t0 = Date.now();
      while (!m.ready(stdout, p.stderrSoFar()) && p.child.exitCode === null && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 10));
      if (m.delayMs) await new Promise((r) => setTimeout(r, m.delayMs));
      p.child.kill('SIGTERM');
      const r = await p.result;
      const what = `kill ${i} (${m.name}): ${r.signal ?? r.code}`;
      outcomes.push(what);
      expect([0, 3, null], `${what}: ${r.stderr}`).to.include(r.code);
      if (r.code === null) expect(r.signal).to.equal('SIGTERM'); // before the handler: nothing taken yet
      if (m.name === 'starting' || m.name === 'a chunk done') expect(r.code, `${what}: the run must stop cleanly`).to.equal(3);
      const ev = lastRunEvidence(stateDir);
      expect(ev.locks, `${what} left a lock`).to.deep.equal([]);
      if (ev.run) expect(ev.run.outcome, `${what}: session ${ev.run.sessionId} has no outcome`).to.be.a('string');
    }
  });
});
