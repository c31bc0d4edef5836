import { expect } from 'chai';
import fc from 'fast-check';
import { OverallProgress, type OverallInputs } from '../../../src/orchestrator/overall-progress';

const at = (o: Partial<OverallInputs>): OverallInputs => ({
  profileIndex: 0, profileCount: 2, doneBytes: 0, doneTotal: 0, currentBytes: 0, currentTotal: 0, currentSized: true, ...o,
});

describe('OverallProgress', () => {
  it('counts later profiles with their estimates: the next profile\'s scan no longer drops 50 % to 18 %', () => {
    // The case of issue #15: profile 1 (100 B) done, profile 2 (450 B) about to be scanned.
    const old = new OverallProgress();
    expect(old.figures(at({ currentBytes: 50, currentTotal: 100 })).percent, 'without an estimate').to.equal(50);
    const o = new OverallProgress();
    o.setEstimate(1, 450);
    expect(o.figures(at({ currentBytes: 50, currentTotal: 100 }))).to.deep.equal({ bytesComplete: 50, bytesTotal: 550, percent: 9.1, estimated: true });
    expect(o.figures(at({ currentBytes: 100, currentTotal: 100 })).percent).to.equal(18.2);
    // Profile 2 scanning (not yet sized): its estimate stands in.
    expect(o.figures(at({ profileIndex: 1, doneBytes: 100, doneTotal: 100, currentSized: false })).percent).to.equal(18.2);
    expect(o.figures(at({ profileIndex: 1, doneBytes: 100, doneTotal: 100, currentTotal: 450 }))).to.deep.equal({ bytesComplete: 100, bytesTotal: 550, percent: 18.2, estimated: false });
  });

  it('holds the shown percentage when an estimate was too small, until the real figure catches up', () => {
    const o = new OverallProgress();
    o.setEstimate(1, 100);
    expect(o.figures(at({ currentBytes: 100, currentTotal: 100 })).percent).to.equal(50);
    // Profile 2 turns out to be 900 B: 100 of 1000 is 10 %, shown stays 50 %.
    expect(o.figures(at({ profileIndex: 1, doneBytes: 100, doneTotal: 100, currentTotal: 900 })).percent).to.equal(50);
    expect(o.figures(at({ profileIndex: 1, doneBytes: 100, doneTotal: 100, currentBytes: 500, currentTotal: 900 })).percent).to.equal(60);
    expect(o.figures(at({ profileIndex: 1, doneBytes: 100, doneTotal: 100, currentBytes: 900, currentTotal: 900 }))).to.include({ percent: 100, estimated: false });
  });

  it('an unknown later profile keeps the total marked estimated', () => {
    const o = new OverallProgress();
    o.setEstimate(1, undefined);
    expect(o.figures(at({ profileCount: 3, currentBytes: 10, currentTotal: 10 })).estimated).to.equal(true);
    expect(o.hasEstimate(1)).to.equal(false);
  });

  it('never falls, whatever the estimates and the order figures change in (property)', () => {
    const step = fc.record({
      estimate: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
      grow: fc.integer({ min: 0, max: 500 }),
      resize: fc.integer({ min: -300, max: 3000 }),
      next: fc.boolean(),
    });
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.array(step, { maxLength: 60 }), (count, steps) => {
      const o = new OverallProgress();
      let x = at({ profileCount: count, currentTotal: 100 });
      let shown = 0;
      for (const st of steps) {
        o.setEstimate(Math.min(count - 1, x.profileIndex + 1), st.estimate);
        if (st.next && x.profileIndex < count - 1) {
          x = { ...x, profileIndex: x.profileIndex + 1, doneBytes: x.doneBytes + x.currentBytes, doneTotal: x.doneTotal + x.currentTotal, currentBytes: 0, currentTotal: 0, currentSized: false };
        } else {
          const total = Math.max(x.currentBytes, x.currentTotal + st.resize);
          x = { ...x, currentSized: true, currentTotal: total, currentBytes: Math.min(total, x.currentBytes + st.grow) };
        }
        const f = o.figures(x);
        if (f.percent < shown || f.percent > 100 || f.bytesTotal < f.bytesComplete) return false;
        shown = f.percent;
      }
      return true;
    }), { numRuns: 300 });
  });
});
