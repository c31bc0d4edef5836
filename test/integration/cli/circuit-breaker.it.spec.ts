import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';
import { sessionEvents } from '../snapshot/cli-run';

type Summary = { outcome: string; sessionId: string; profiles: { profile: string; result: string; chunksFailed: number; chunksTotal: number; circuitBreaker?: string }[] };

describe('circuit breaker (real CLI, like cron)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-breaker-'); });
  afterEach(() => removeTemp(dir));

  /**
   * `blocked` chunks find a file where their destination directory should be: each fails for good
   * (robocurse never writes through it). One job at a time, so the chunks end in plan order
   * (largest first).
   */
  function setUp(chunks: { name: string; bytes: number; blocked: boolean }[], breaker: unknown): string {
    const src: TreeSpec = {};
    const dst: TreeSpec = {};
    for (const c of chunks) {
      src[c.name] = { 'f.bin': c.bytes };
      if (c.blocked) dst[c.name] = 'in the way';
    }
    makeTree(path.join(dir, 'src'), src);
    makeTree(path.join(dir, 'dst'), dst);
    makeTree(path.join(dir, 'other-src'), { x: { 'y.txt': 'other profile' } });
    makeTree(path.join(dir, 'victim'), { 'keep.txt': 'untouched' });
    const cfg = path.join(dir, 'robocurse.json');
    fs.writeFileSync(cfg, JSON.stringify({
      version: 1, global: { logDir: 'logs', stateDir: 'state', maxConcurrentJobs: 1 },
      profiles: {
        data: { source: 'src', destination: 'dst', engine: 'native', chunking: { maxChunkFiles: 1 }, retry: { maxAttempts: 2, backoffSeconds: 0 }, ...(breaker ? { circuitBreaker: breaker } : {}) },
        other: { source: 'other-src', destination: 'other-dst', engine: 'native' },
      },
    }));
    return cfg;
  }

  it('N chunks failed for good in a row stop the profile with the reason and a CIRCUIT_BREAKER event; the next profile runs', async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => ({ name: `d${i}`, bytes: 1000 - i, blocked: true }));
    const cfg = setUp(chunks, { consecutiveFailures: 3 });
    const victim = hashTree(path.join(dir, 'victim'));
    const r = await runCliLikeCron(['run', '--config', cfg, '--all', '--json'], { cwd: dir });

    expect(r.code, r.stderr).to.equal(1);
    const summary = r.summary as unknown as Summary;
    expect(summary.outcome).to.equal('Failed');
    const data = summary.profiles.find((p) => p.profile === 'data')!;
    expect(data.result).to.equal('Failed');
    expect(data.chunksFailed).to.equal(3);
    expect(data.chunksTotal).to.equal(10);
    expect(data.circuitBreaker).to.match(/circuit breaker: 3 chunks in a row failed after all their attempts/).and.to.contain('circuitBreaker.consecutiveFailures = 3');
    // The other profile went on and copied everything.
    expect(summary.profiles.find((p) => p.profile === 'other')!.result).to.equal('Success');
    expect(rsyncDifferences(path.join(dir, 'other-src'), path.join(dir, 'other-dst'))).to.deep.equal([]);
    // Nothing was written where the chunks failed, nor outside the destinations.
    // (The root itself changes: robocurse probes how it compares names and keeps times.)
    expect(fs.readdirSync(path.join(dir, 'dst')).sort()).to.deep.equal(chunks.map((c) => c.name));
    for (const c of chunks) expect(fs.readFileSync(path.join(dir, 'dst', c.name), 'utf8')).to.equal('in the way');
    expect(hashTree(path.join(dir, 'victim'))).to.equal(victim);

    const events = sessionEvents(path.join(dir, 'state'), summary.sessionId);
    const trip = events.filter((e) => e.type === 'Warning' && e.data.code === 'CIRCUIT_BREAKER');
    expect(trip).to.have.length(1);
    expect(trip[0].data.profile).to.equal('data');
    expect(String(trip[0].data.message)).to.contain('7 chunk(s) not attempted');
    const dataStarts = events.filter((e) => e.type === 'ChunkStart' && e.data.profile === 'data');
    expect(dataStarts.map((e) => e.data.source)).to.deep.equal(['d0', 'd1', 'd2'].map((d) => path.join(dir, 'src', d)));
    // The text summary (stderr is not a terminal) says why too.
    const plain = await runCliLikeCron(['run', '--config', cfg, '--profile', 'data'], { cwd: dir });
    expect(plain.code).to.equal(1);
    expect(plain.stdout + plain.stderr).to.contain('circuit breaker: 3 chunks in a row failed');
  });

  it('a chunk that completes starts the count again; the default (10) is not reached by 4 failures', async () => {
    // Plan order (largest first): fail, fail, ok, fail, fail — never 3 in a row.
    const cfg = setUp([
      { name: 'a', bytes: 500, blocked: true }, { name: 'b', bytes: 400, blocked: true }, { name: 'c', bytes: 300, blocked: false },
      { name: 'd', bytes: 200, blocked: true }, { name: 'e', bytes: 100, blocked: true },
    ], { consecutiveFailures: 3 });
    const r = await runCliLikeCron(['run', '--config', cfg, '--profile', 'data', '--json'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(1);
    const data = (r.summary as unknown as Summary).profiles[0];
    expect(data.chunksFailed).to.equal(4);
    expect(data.circuitBreaker).to.equal(undefined);
    expect(fs.readFileSync(path.join(dir, 'dst', 'c', 'f.bin')).length).to.equal(300);

    const cfg2 = path.join(dir, 'robocurse.json');
    const conf = JSON.parse(fs.readFileSync(cfg2, 'utf8'));
    delete conf.profiles.data.circuitBreaker;
    fs.writeFileSync(cfg2, JSON.stringify(conf));
    const again = await runCliLikeCron(['run', '--config', cfg2, '--profile', 'data', '--json', '--no-resume'], { cwd: dir });
    expect((again.summary as unknown as Summary).profiles[0].circuitBreaker).to.equal(undefined);
  });

  it('a bad circuitBreaker value is a config error (exit 2) naming the key; nothing runs', async () => {
    const cfg = setUp([{ name: 'a', bytes: 10, blocked: false }], { consecutiveFailures: -1 });
    const conf = JSON.parse(fs.readFileSync(cfg, 'utf8'));
    conf.global.circuitBreaker = { consecutiveFailures: 'ten' };
    fs.writeFileSync(cfg, JSON.stringify(conf));
    const r = await runCliLikeCron(['run', '--config', cfg, '--all', '--json'], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('profiles.data.circuitBreaker.consecutiveFailures').and.to.contain('global.circuitBreaker.consecutiveFailures');
    expect(r.stderr).not.to.match(/\n\s+at /); // no stack trace for users
    expect(fs.existsSync(path.join(dir, 'dst', 'a'))).to.equal(false);
    expect(fs.existsSync(path.join(dir, 'other-dst'))).to.equal(false);
  });
});
