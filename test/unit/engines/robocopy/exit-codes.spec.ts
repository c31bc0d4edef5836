import { expect } from 'chai';
import { robocopyExitMeaning } from '../../../../src/engines/exit-meaning';

/** A distinctive phrase of each bit's sentence, so the message is checked to name every set bit. */
const WORDS: Record<string, RegExp> = { copied: /copied/, extra: /extra/, mismatch: /mismatch/, failed: /could not be copied/, serious: /serious error/ };

/**
 * Written out literally (robocopy's documented bit meanings), not computed at test time with the code's own bit logic:
 * exit code, severity, worth a retry, the conditions its message must name.
 */
const TABLE: [number, string, boolean, string[]][] = [
  [0, 'Success', false, []],
  [1, 'Success', false, ['copied']],
  [2, 'Success', false, ['extra']],
  [3, 'Success', false, ['copied', 'extra']],
  [4, 'Warning', false, ['mismatch']],
  [5, 'Warning', false, ['copied', 'mismatch']],
  [6, 'Warning', false, ['extra', 'mismatch']],
  [7, 'Warning', false, ['copied', 'extra', 'mismatch']],
  [8, 'Error', true, ['failed']],
  [9, 'Error', true, ['copied', 'failed']],
  [10, 'Error', true, ['extra', 'failed']],
  [11, 'Error', true, ['copied', 'extra', 'failed']],
  [12, 'Error', true, ['mismatch', 'failed']],
  [13, 'Error', true, ['copied', 'mismatch', 'failed']],
  [14, 'Error', true, ['extra', 'mismatch', 'failed']],
  [15, 'Error', true, ['copied', 'extra', 'mismatch', 'failed']],
  [16, 'Fatal', false, ['serious']],
  [17, 'Fatal', false, ['copied', 'serious']],
  [18, 'Fatal', false, ['extra', 'serious']],
  [19, 'Fatal', false, ['copied', 'extra', 'serious']],
  [20, 'Fatal', false, ['mismatch', 'serious']],
  [21, 'Fatal', false, ['copied', 'mismatch', 'serious']],
  [22, 'Fatal', false, ['extra', 'mismatch', 'serious']],
  [23, 'Fatal', false, ['copied', 'extra', 'mismatch', 'serious']],
  [24, 'Fatal', false, ['failed', 'serious']],
  [25, 'Fatal', false, ['copied', 'failed', 'serious']],
  [26, 'Fatal', false, ['extra', 'failed', 'serious']],
  [27, 'Fatal', false, ['copied', 'extra', 'failed', 'serious']],
  [28, 'Fatal', false, ['mismatch', 'failed', 'serious']],
  [29, 'Fatal', false, ['copied', 'mismatch', 'failed', 'serious']],
  [30, 'Fatal', false, ['extra', 'mismatch', 'failed', 'serious']],
  [31, 'Fatal', false, ['copied', 'extra', 'mismatch', 'failed', 'serious']],
];

describe('robocopy exit codes 0–31 (robocopyExitMeaning as the robocopy engine uses it)', () => {
  for (const [code, severity, retry, named] of TABLE) {
    it(`exit ${code}: ${severity}${retry ? ', retried' : ''}${named.length ? `, names ${named.join(' + ')}` : ''}`, () => {
      const m = robocopyExitMeaning(code);
      expect([m.severity, m.shouldRetry]).to.deep.equal([severity, retry]);
      expect(m.message).to.include(`exit code ${code}`);
      for (const [word, re] of Object.entries(WORDS)) {
        if (named.includes(word)) expect(m.message, word).to.match(re);
        else if (word !== 'copied') expect(m.message, `${word} not named`).to.not.match(re);
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
