import { expect } from 'chai';
import { earlyScanMayBeStale } from '../../../src/compose/early-scan';
import { chunk, StateKit } from '../state/state-test-kit';

/**
 * When a scan started before the profile's lock was taken must be made again: a run of the
 * profile ended while (or just before) it read, or one never ended (killed: its copy processes
 * are reaped only after the lock). On a real state database, with the store's clock set.
 */
describe('earlyScanMayBeStale: an early scan and the runs that may have written meanwhile', () => {
  const kit = new StateKit();
  afterEach(() => kit.cleanup());
  const T0 = Date.parse('2026-12-01T02:00:00.000Z');
  let now = T0;
  const open = () => kit.open(undefined, () => new Date(now));

  /** A real (or dry) run of profile `p` that starts at `start` and, unless `end` is null, ends then. */
  function aRun(store: ReturnType<typeof open>, sid: string, start: number, end: number | null, dryRun = false): void {
    now = start;
    store.beginRun({ sessionId: sid, configHash: 'h', configPath: '/etc/robocurse.json', dryRun });
    const id = store.beginProfileRun(sid, 'p', 'fp', [chunk('a')], { resume: false }).profileRunId;
    if (end === null) return;
    now = end;
    store.endProfileRun(id, 'Success');
  }

  it('no earlier run, or one that ended well before the scan started: the scan stands', () => {
    const s = open();
    expect(earlyScanMayBeStale(s, 'p', T0)).to.equal(false);
    aRun(s, 's1', T0 - 60_000, T0 - 1_000);
    expect(earlyScanMayBeStale(s, 'p', T0)).to.equal(false);
    expect(earlyScanMayBeStale(s, 'other', T0)).to.equal(false);
  });

  it('a run that ended after the scan started, at the same millisecond, or within the clock margin before it: made again', () => {
    const s = open();
    aRun(s, 's1', T0 - 60_000, T0 + 20);
    expect(earlyScanMayBeStale(s, 'p', T0)).to.equal(true);
    expect(earlyScanMayBeStale(s, 'p', T0 + 20)).to.equal(true);
    expect(earlyScanMayBeStale(s, 'p', T0 + 100)).to.equal(true);
    expect(earlyScanMayBeStale(s, 'p', T0 + 1_000)).to.equal(false);
  });

  it('a run that never ended (killed; its copiers are reaped after the lock): made again', () => {
    const s = open();
    aRun(s, 's1', T0 - 120_000, T0 - 60_000);
    aRun(s, 's2', T0 - 30_000, null);
    expect(earlyScanMayBeStale(s, 'p', T0)).to.equal(true);
  });

  it('a dry run, which writes nothing, does not count', () => {
    const s = open();
    aRun(s, 's1', T0 - 120_000, T0 - 60_000);
    aRun(s, 's2', T0 - 1_000, null, true);
    expect(earlyScanMayBeStale(s, 'p', T0)).to.equal(false);
  });
});
