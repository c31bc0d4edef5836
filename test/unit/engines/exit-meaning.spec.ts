import { expect } from 'chai';
import * as fc from 'fast-check';
import { robocopyExitMeaning } from '../../../src/engines/exit-meaning';

describe('robocopyExitMeaning', () => {
  it('rates 0-3 as Success without retry', () => {
    for (const code of [0, 1, 2, 3]) {
      const m = robocopyExitMeaning(code);
      expect(m.severity, `code ${code}`).to.equal('Success');
      expect(m.shouldRetry).to.equal(false);
    }
  });

  it('rates mismatches (4) as Warning by default, configurable', () => {
    expect(robocopyExitMeaning(4).severity).to.equal('Warning');
    expect(robocopyExitMeaning(5, { mismatchSeverity: 'Error' }).severity).to.equal('Error');
    expect(robocopyExitMeaning(7, { mismatchSeverity: 'Success' }).severity).to.equal('Success');
  });

  it('rates 8 as a retryable Error and 16 as a Fatal without retry', () => {
    expect(robocopyExitMeaning(8)).to.include({ severity: 'Error', shouldRetry: true });
    expect(robocopyExitMeaning(9)).to.include({ severity: 'Error', shouldRetry: true });
    expect(robocopyExitMeaning(16)).to.include({ severity: 'Fatal', shouldRetry: false });
    expect(robocopyExitMeaning(24)).to.include({ severity: 'Fatal', shouldRetry: false });
  });

  it('names every set bit in the message', () => {
    const m = robocopyExitMeaning(1 | 2 | 8);
    expect(m.message).to.contain('copied').and.contain('extra').and.contain('could not be copied');
    expect(robocopyExitMeaning(0).message).to.contain('no files were copied');
  });

  it('treats negative codes as retryable errors and unknown codes as fatal', () => {
    expect(robocopyExitMeaning(-1)).to.include({ severity: 'Error', shouldRetry: true });
    expect(robocopyExitMeaning(32)).to.include({ severity: 'Fatal', shouldRetry: false });
    expect(robocopyExitMeaning(1.5)).to.include({ severity: 'Fatal', shouldRetry: false });
  });

  it('never rates a code better than its worst bit', () => {
    const rank = { Success: 0, Warning: 1, Error: 2, Fatal: 3 } as const;
    fc.assert(fc.property(fc.integer({ min: 0, max: 31 }), (code) => {
      const r = rank[robocopyExitMeaning(code).severity];
      if (code & 16) return r === 3;
      if (code & 8) return r === 2;
      if (code & 4) return r === 1;
      return r === 0;
    }));
  });
});
