import { expect } from 'chai';
import { robocopyExitMeaning } from '../../../../src/engines/exit-meaning';

/** A distinctive word of each bit's sentence, so the message is checked to name every set bit. */
const BIT_WORDS: [number, RegExp][] = [
  [1, /copied/], [2, /extra/], [4, /mismatch/], [8, /could not be copied/], [16, /serious error/],
];

describe('robocopy exit codes 0–31 (robocopyExitMeaning as the robocopy engine uses it)', () => {
  for (let code = 0; code <= 31; code++) {
    it(`exit ${code}`, () => {
      const m = robocopyExitMeaning(code);
      const expected = code & 16 ? ['Fatal', false] : code & 8 ? ['Error', true] : code & 4 ? ['Warning', false] : ['Success', false];
      expect([m.severity, m.shouldRetry]).to.deep.equal(expected);
      expect(m.message).to.include(`exit code ${code}`);
      for (const [bit, word] of BIT_WORDS) {
        if (code & bit) expect(m.message, `bit ${bit}`).to.match(word);
        else if (bit !== 1) expect(m.message, `bit ${bit} not set`).to.not.match(word);
      }
      if (code === 0) expect(m.message).to.match(/in sync|no files were copied/);
    });
  }

  it('rates mismatches as configured, without touching worse bits', () => {
    expect(robocopyExitMeaning(4, { mismatchSeverity: 'Error' }).severity).to.equal('Error');
    expect(robocopyExitMeaning(5, { mismatchSeverity: 'Success' }).severity).to.equal('Success');
    expect(robocopyExitMeaning(12, { mismatchSeverity: 'Success' })).to.include({ severity: 'Error', shouldRetry: true });
    expect(robocopyExitMeaning(20, { mismatchSeverity: 'Success' }).severity).to.equal('Fatal');
  });

  it('treats a killed or never-started robocopy (-1) as a retryable error', () => {
    expect(robocopyExitMeaning(-1)).to.include({ severity: 'Error', shouldRetry: true });
  });
});
