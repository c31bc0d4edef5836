import { expect } from 'chai';
import pino from 'pino';
import type { Chunker, Copier, CopierCapabilities, CopyJob, Scanner } from '../../../src/api';
import { SimulatedCopier } from '../../../src/engines/simulated';
import { NativeCopier } from '../../../src/engines/native';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { Orchestrator } from '../../../src/orchestrator/orchestrator';
import { capabilitiesOf } from '../../../src/orchestrator/copier-capabilities';
import { makeChunks, makeProfile } from '../../helpers/profiles';

const base: CopierCapabilities = { suspend: false, liveBandwidth: false, mirror: true, dryRun: true, liveProgress: true };
const never = (): never => { throw new Error('not started in these tests'); };

describe('copier capabilities: the orchestrator reads declared flags, never probes methods', () => {
  it('sharedBandwidth: the declared flag decides; a copier from before the flag is read by its method', () => {
    const method = { setTotalBandwidth: (): void => undefined };
    expect(capabilitiesOf({ name: 'a', capabilities: { ...base, sharedBandwidth: true }, start: never, ...method }).sharedBandwidth).to.equal(true);
    // Declared false: the method is there but not to be used for the run's budget.
    expect(capabilitiesOf({ name: 'b', capabilities: { ...base, sharedBandwidth: false }, start: never, ...method }).sharedBandwidth).to.equal(false);
    // Undeclared (a plugin written before the flag): the method says it.
    expect(capabilitiesOf({ name: 'c', capabilities: base, start: never, ...method }).sharedBandwidth).to.equal(true);
    expect(capabilitiesOf({ name: 'd', capabilities: base, start: never }).sharedBandwidth).to.equal(false);
    // Declared without the method: nothing to call, so not shared.
    expect(capabilitiesOf({ name: 'e', capabilities: { ...base, sharedBandwidth: true }, start: never }).sharedBandwidth).to.equal(false);
  });

  it('the built-in engines declare what they do', async () => {
    const native = new NativeCopier({ copyThreads: 0 });
    try {
      expect(capabilitiesOf(native)).to.include({ sharedBandwidth: true, liveBandwidth: true, suspend: true });
      expect(capabilitiesOf(new SimulatedCopier())).to.include({ sharedBandwidth: false, liveBandwidth: true, suspend: true });
    } finally {
      await native.close();
    }
  });

  /** A simulated engine that declares `suspend` as told and counts the suspend/resume calls its jobs get. */
  function countingCopier(suspend: boolean, calls: string[]): Copier {
    const inner = new SimulatedCopier({ script: { '*': { durationMs: 60_000 } } });
    return {
      name: 'counting', capabilities: { ...inner.capabilities, suspend },
      start: (chunk, options): CopyJob => {
        const job = inner.start(chunk, options);
        return Object.assign(Object.create(job) as CopyJob, {
          suspend: () => { calls.push('suspend'); job.suspend?.(); },
          resume: () => { calls.push('resume'); job.resume?.(); },
        });
      },
    };
  }

  for (const suspend of [true, false]) {
    it(`pause with suspend ${suspend ? 'freezes' : 'leaves running'} the jobs of an engine that declares suspend: ${suspend}`, async () => {
      const calls: string[] = [];
      const copier = countingCopier(suspend, calls);
      const bus = new EventBus('caps');
      const scanner: Scanner = { scan: () => Promise.reject(new Error('not used')) };
      const chunker: Chunker = { plan: () => [] };
      const orch = new Orchestrator({ bus, scanner, chunker, copierFor: () => copier, logger: pino({ level: 'silent' }), guardChunkRoots: false });
      try {
        orch.initQueue(makeProfile('p'), makeChunks('p', 2));
        orch.setMaxConcurrentJobs(2);
        expect(orch.state.activeJobs.size).to.equal(2);
        orch.requestPause({ suspend: true });
        expect(orch.state.suspended).to.equal(true);
        orch.requestResume();
        expect(calls).to.deep.equal(suspend ? ['suspend', 'suspend', 'resume', 'resume'] : []);
      } finally {
        await orch.stopAllJobs();
      }
    });
  }
});
