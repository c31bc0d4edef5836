import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';
import type { Chunker, DirTree, RunEvent, Scanner } from '../../../src/api';
import { SimulatedCopier } from '../../../src/engines/simulated';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { Orchestrator } from '../../../src/orchestrator/orchestrator';
import { removeTemp, tempDir } from '../../helpers/make-tree';
import { makeChunks, makeProfile } from '../../helpers/profiles';

/** The run loop and profile transitions, over a scanner and chunker that make up a plan (real source and destination directories, for the pre-flight). */
describe('orchestrator part: run loop and profile transitions', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => removeTemp(dir));

  function setup(chunkMs = 20) {
    const bus = new EventBus('loop');
    const events: RunEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const scanner: Scanner = {
      scan: async (root) => ({
        root, errors: [], skippedLinks: [], durationMs: 1,
        rootNode: { name: '', relPath: '', depth: 0, ownFiles: 0, ownBytes: 0, totalFiles: 30, totalBytes: 3000, totalDirs: 3, children: [] },
      } as DirTree),
    };
    const chunker: Chunker = { plan: (_tree, _policy, target) => makeChunks(target.profile, 3) };
    const copier = new SimulatedCopier({ script: { '*': { durationMs: chunkMs } } });
    const orch = new Orchestrator({ bus, scanner, chunker, copierFor: () => copier, logger: pino({ level: 'silent' }), guardChunkRoots: false });
    const profile = (name: string) => {
      for (const d of ['src', 'dst']) fs.mkdirSync(path.join(dir, d, name), { recursive: true });
      return makeProfile(name, { source: path.join(dir, 'src', name), destination: path.join(dir, 'dst', name) });
    };
    const seen = () => events.filter((e) => ['SessionStart', 'ProfileStart', 'ProfileComplete', 'SessionEnd'].includes(e.type))
      .map((e) => `${e.type}${(e.data as { profile?: string }).profile ? ` ${(e.data as { profile: string }).profile}` : ''}`);
    return { orch, events, profile, seen };
  }

  it('runs the profiles one after another, each to its summary, and ends the session with the outcome', async () => {
    const { orch, profile, seen } = setup();
    const summary = await orch.startReplicationRun([profile('a'), profile('b')], { maxConcurrentJobs: 2, tickIntervalMs: 20 });
    expect(summary.outcome).to.equal('Success');
    expect(summary.profiles.map((p) => [p.profile, p.result, p.chunksOk])).to.deep.equal([['a', 'Success', 3], ['b', 'Success', 3]]);
    expect(seen()).to.deep.equal(['SessionStart', 'ProfileStart a', 'ProfileComplete a', 'ProfileStart b', 'ProfileComplete b', 'SessionEnd']);
    expect(orch.state.phase).to.equal('Complete');
    // The second profile's status counts the first one's bytes once, in the overall figures.
    expect(orch.getStatus()).to.include({ overallBytesComplete: 6000, overallBytesTotal: 6000, bytesComplete: 3000 });
  });

  it('a profile that fails before copying (its source is gone) ends with its error, and the run goes on to the next', async () => {
    const { orch, profile } = setup();
    const gone = profile('gone');
    fs.rmSync(gone.source, { recursive: true });
    const summary = await orch.startReplicationRun([gone, profile('b')], { tickIntervalMs: 20 });
    expect(summary.profiles.map((p) => [p.profile, p.result])).to.deep.equal([['gone', 'Failed'], ['b', 'Success']]);
    expect(summary.profiles[0].error).to.contain(gone.source);
    expect(summary.outcome).to.equal('Error');
  });

  it('a stop during a profile kills its jobs, starts no later profile, and ends the run as Stopped', async () => {
    const { orch, events, profile, seen } = setup(60_000);
    const done = orch.startReplicationRun([profile('a'), profile('b')], { maxConcurrentJobs: 2, tickIntervalMs: 20 });
    for (const until = Date.now() + 20_000; orch.state.activeJobs.size < 2 && Date.now() < until;) await new Promise((r) => setTimeout(r, 10));
    orch.requestStop('test');
    const summary = await done;
    expect(summary.outcome).to.equal('Stopped');
    expect(seen()).to.deep.equal(['SessionStart', 'ProfileStart a', 'ProfileComplete a', 'SessionEnd']);
    expect(events.find((e) => e.type === 'Stopped')!.data).to.deep.equal({ queuedChunks: 1, killedJobs: 2 });
    expect(summary.profiles[0].result).to.equal('Stopped');
  });
});
