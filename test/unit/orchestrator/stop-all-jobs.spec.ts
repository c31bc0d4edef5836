import { expect } from 'chai';
import pino from 'pino';
import type { Chunk, Chunker, Copier, CopyJob, CopyOptions, CopyResult, RunEvent, Scanner } from '../../../src/api';
import { emptyStats } from '../../../src/api';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { Orchestrator } from '../../../src/orchestrator/orchestrator';
import { makeChunks, makeProfile } from '../../helpers/profiles';

const unusedScanner: Scanner = { scan: () => Promise.reject(new Error('not used')) };
const unusedChunker: Chunker = { plan: () => [] };

/** Jobs that run until killed; the kill of a chunk named in `failKills` rejects (and leaves it running). */
class KillableCopier implements Copier {
  readonly name = 'killable';
  readonly capabilities = { suspend: false, liveBandwidth: false, mirror: false, dryRun: false, liveProgress: false };
  readonly killed: string[] = [];
  constructor(private readonly failKills: Set<string>) {}
  start(chunk: Chunk, _options: CopyOptions): CopyJob {
    let finish: (r: CopyResult) => void = () => undefined;
    const done = new Promise<CopyResult>((resolve) => { finish = resolve; });
    return {
      chunk, pid: 4242, startedAt: new Date(), done,
      progress: () => ({ bytesCopied: 0, filesCopied: 0 }),
      onProgress: () => () => undefined,
      kill: async () => {
        if (this.failKills.has(chunk.id)) throw new Error('EPERM: operation not permitted');
        this.killed.push(chunk.id);
        finish({ exitCode: -1, exitMeaning: { severity: 'Error', shouldRetry: false, message: 'killed' }, stats: emptyStats(), errors: [], durationMs: 1, killed: true });
      },
    };
  }
}

// The chunks here are not real paths, so the chunk-root guard (tested on real trees elsewhere) is off.
describe('Orchestrator.stopAllJobs', () => {
  it('kills every job although some kills reject, reports each failure, and leaves Replicating', async () => {
    const copier = new KillableCopier(new Set(['p-c1', 'p-c3']));
    const bus = new EventBus('s');
    const events: RunEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const orch = new Orchestrator({ bus, scanner: unusedScanner, chunker: unusedChunker, copierFor: () => copier, logger: pino({ level: 'silent' }), guardChunkRoots: false });
    orch.initQueue(makeProfile('p', { engine: 'killable' }), makeChunks('p', 5));
    orch.setMaxConcurrentJobs(5);
    expect(orch.state.activeJobs.size).to.equal(5);

    await orch.stopAllJobs(); // must not reject

    expect(copier.killed.sort()).to.deep.equal(['p-c0', 'p-c2', 'p-c4']);
    expect(orch.state.activeJobs.size).to.equal(0);
    expect(orch.state.phase).to.equal('Stopped');
    const warnings = events.filter((e) => e.type === 'Warning').map((e) => e.data as { code: string; message: string });
    expect(warnings.map((w) => w.code)).to.deep.equal(['KILL_FAILED', 'KILL_FAILED']);
    expect(warnings.map((w) => w.message).join('\n')).to.contain('p-c1').and.to.contain('p-c3').and.to.contain('EPERM').and.to.contain('pid 4242');
    expect(events.filter((e) => e.type === 'Stopped').map((e) => e.data)).to.deep.equal([{ queuedChunks: 0, killedJobs: 5 }]);
  });

  it('a stop requested through tick() ends the profile even when a kill rejects (no unhandled rejection)', async () => {
    const copier = new KillableCopier(new Set(['p-c0']));
    const bus = new EventBus('s');
    const orch = new Orchestrator({ bus, scanner: unusedScanner, chunker: unusedChunker, copierFor: () => copier, logger: pino({ level: 'silent' }), guardChunkRoots: false });
    const rejections: unknown[] = [];
    const onRejection = (r: unknown): void => { rejections.push(r); };
    process.on('unhandledRejection', onRejection);
    try {
      orch.initQueue(makeProfile('p', { engine: 'killable' }), makeChunks('p', 2));
      orch.setMaxConcurrentJobs(2);
      orch.requestStop('test');
      await orch.stopAllJobs();
      await new Promise((r) => setImmediate(r));
      expect(rejections).to.deep.equal([]);
      expect(orch.state.phase).to.equal('Stopped');
      expect(copier.killed).to.deep.equal(['p-c1']);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
