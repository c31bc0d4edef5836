import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyStats, TOKENS, type Chunk, type Copier, type CopyJob, type CopyResult, type RunEvent } from '../../../src/api';
import { composeRun } from '../../../src/compose/compose-run';
import { ConfigError, ProfileLockedError, UsageError } from '../../../src/errors';
import { Robocurse } from '../../../src/index';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { Orchestrator } from '../../../src/orchestrator/orchestrator';
import { StateStore } from '../../../src/state';
import { diffTrees, makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

/** A copier whose jobs never finish on their own: only kill() ends them (as killed). */
function blockingCopier(started: Chunk[]): Copier {
  return {
    name: 'blocking',
    capabilities: { suspend: false, liveBandwidth: false, mirror: false, dryRun: false, liveProgress: false },
    start(chunk: Chunk): CopyJob {
      started.push(chunk);
      let end: (r: CopyResult) => void = () => undefined;
      const done = new Promise<CopyResult>((resolve) => { end = resolve; });
      return {
        chunk, startedAt: new Date(), done, progress: () => ({ bytesCopied: 0, filesCopied: 0 }), onProgress: () => () => undefined,
        kill: async () => { end({ exitCode: -1, exitMeaning: { severity: 'Error', shouldRetry: false, message: 'killed' }, stats: emptyStats(), errors: [], durationMs: 0, killed: true }); },
      };
    },
  };
}

/** The library in this process (the packed-package test covers the published names). */
describe('library API: Robocurse and the composition root, on a real file system', function () {
  this.timeout(120_000);
  let dir: string;
  const config = (profiles: Record<string, unknown>): Record<string, unknown> => ({ version: 1, global: { logDir: 'logs', stateDir: 'state' }, profiles });

  beforeEach(() => {
    dir = tempDir();
    makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'alpha', deep: { 'g.txt': 'gamma' } }, b: { 'h.txt': 'beta' }, 'top.txt': 'top' });
  });
  afterEach(() => removeTemp(dir));

  it('validates a config object: the problems name the key; a good one has none', async () => {
    const problems = await Robocurse.validate(config({ docs: { source: 'src', destination: 'dst', chunking: { maxChunkFiles: -3 } } }), { baseDir: dir });
    expect(problems.map((p) => p.path)).to.deep.equal(['profiles.docs.chunking.maxChunkFiles']);
    expect(await Robocurse.validate(config({ docs: { source: 'src', destination: 'dst' } }), { baseDir: dir })).to.deep.equal([]);
    const err = await Robocurse.load(config({ docs: { source: 'nowhere', destination: 'dst' } }), { baseDir: dir }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.path)).to.deep.equal(['profiles.docs.source']);
  });

  it('an engine the program registers is known to validation; an unknown engine is not', async () => {
    const cfg = config({ docs: { source: 'src', destination: 'dst', engine: 'blocking' } });
    expect((await Robocurse.validate(cfg, { baseDir: dir })).map((p) => p.path)).to.deep.equal(['profiles.docs.engine']);
    expect(await Robocurse.validate(cfg, { baseDir: dir, engines: { blocking: blockingCopier([]) } })).to.deep.equal([]);
  });

  it('plan() scans and chunks without writing; run() with the native engine replicates; unknown profiles are a UsageError', async () => {
    const rc = await Robocurse.load(config({ docs: { source: 'src', destination: 'dst', chunking: { maxChunkFiles: 1 } } }), { baseDir: dir });
    const [plan] = await rc.plan();
    expect(plan.tree.rootNode.totalFiles).to.equal(4);
    expect(plan.chunks.reduce((n, c) => n + c.estimatedFiles, 0)).to.equal(4);
    expect(fs.existsSync(path.join(dir, 'dst'))).to.equal(false);
    expect(() => rc.profiles(['nope'])).to.throw(UsageError, /profile 'nope': no such profile/);
    const session = await rc.run();
    const types: string[] = [];
    session.on((ev) => types.push(ev.type));
    const summary = await session.done;
    expect(summary.outcome).to.equal('Success');
    expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
    expect(types[types.length - 1]).to.equal('SessionEnd');
    // The iterator replays the whole run, also after it ended.
    const replay: RunEvent[] = [];
    for await (const ev of session.events()) replay.push(ev);
    expect(replay[0].type).to.equal('SessionStart');
    expect(replay.map((e) => e.seq)).to.deep.equal(replay.map((_, i) => i + 1));
  });

  it('aborting the signal stops the run (jobs killed, outcome Stopped, lock released); a second run of a locked profile is refused', async () => {
    const started: Chunk[] = [];
    const rc = await Robocurse.load(config({ docs: { source: 'src', destination: 'dst', engine: 'blocking' } }), { baseDir: dir, engines: { blocking: blockingCopier(started) } });
    const abort = new AbortController();
    const session = await rc.run({ signal: abort.signal });
    const second = await rc.run().catch((e: unknown) => e);
    expect(second).to.be.instanceOf(ProfileLockedError);
    for await (const ev of session) if (ev.type === 'ChunkStart') abort.abort();
    const summary = await session.done;
    expect(summary.outcome).to.equal('Stopped');
    expect(started).to.have.length(1);
    const store = StateStore.open(path.join(dir, 'state'));
    try {
      expect(store.getRun(session.sessionId)?.outcome).to.equal('Stopped');
      expect(store.listProfileLocks()).to.deep.equal([]);
    } finally { store.close(); }
  });

  it('the composition root registers every part by token, and an override registered under a token is used', async () => {
    const rc = await Robocurse.load(config({ docs: { source: 'src', destination: 'dst' } }), { baseDir: dir });
    const fixed = Date.parse('2031-02-03T04:05:06Z');
    const run = await composeRun(rc.config, rc.config.profiles, {
      sessionId: 'compose-test', logger: (await import('pino')).default({ level: 'silent' }), dryRun: false,
      overrides: { now: () => fixed },
    });
    try {
      const c = run.container;
      expect(c.resolve(TOKENS.Orchestrator)).to.equal(run.orchestrator).and.to.be.instanceOf(Orchestrator);
      expect(c.resolve(TOKENS.EventBus)).to.equal(run.bus).and.to.be.instanceOf(EventBus);
      expect(c.resolve(TOKENS.StateStore)).to.equal(run.services.store);
      expect(c.resolve(TOKENS.Notifiers)).to.equal(run.services.hub);
      expect(c.resolve(TOKENS.SnapshotLifecycle)).to.equal(run.snapshots);
      expect(c.resolve(TOKENS.StateJournal)).to.equal(run.journal);
      expect(c.resolve(TOKENS.SessionId)).to.equal('compose-test');
      expect(c.resolve(TOKENS.Config)).to.equal(rc.config);
      const seen: RunEvent[] = [];
      run.bus.subscribe((ev) => seen.push(ev));
      const summary = await run.orchestrator.startReplicationRun(rc.config.profiles, { maxConcurrentJobs: 2 });
      expect(summary.outcome).to.equal('Success');
      // The injected clock reaches the events.
      expect(new Date(seen[0].timestamp).getTime()).to.equal(fixed);
    } finally {
      await run.close();
    }
    // close() released the lock: the profile runs again.
    const again = await rc.run();
    expect((await again.done).outcome).to.equal('Success');
  });
});
