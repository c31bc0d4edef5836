import { expect } from 'chai';
import { nativeExitCode, nativeExitMeaning, type NativeOutcome } from '../../../../src/engines/native/native-outcome';

const none: NativeOutcome = { filesCopied: 0, extras: 0, extrasRemoved: 0, skippedEntries: 0, failures: 0, fatal: false, dryRun: false };

describe('native exit bitmap', () => {
  it('sets one bit per condition', () => {
    expect(nativeExitCode(none)).to.equal(0);
    expect(nativeExitCode({ ...none, filesCopied: 3 })).to.equal(1);
    expect(nativeExitCode({ ...none, extras: 1 })).to.equal(2);
    expect(nativeExitCode({ ...none, extrasRemoved: 1 })).to.equal(2);
    expect(nativeExitCode({ ...none, skippedEntries: 2 })).to.equal(4);
    expect(nativeExitCode({ ...none, failures: 1 })).to.equal(8);
    expect(nativeExitCode({ ...none, fatal: true })).to.equal(16);
    expect(nativeExitCode({ ...none, filesCopied: 1, extrasRemoved: 1, failures: 2 })).to.equal(11);
  });

  it('rates like robocopy: 0-3 Success, 4 Warning (configurable), 8 retryable Error, 16 Fatal', () => {
    const m = (o: Partial<NativeOutcome>, sev?: 'Warning' | 'Error' | 'Success') => {
      const out = { ...none, ...o };
      return nativeExitMeaning(nativeExitCode(out), out, sev);
    };
    expect(m({ filesCopied: 1, extras: 1 })).to.include({ severity: 'Success', shouldRetry: false });
    expect(m({ skippedEntries: 1 }).severity).to.equal('Warning');
    expect(m({ skippedEntries: 1 }, 'Success').severity).to.equal('Success');
    expect(m({ failures: 1, filesCopied: 5 })).to.include({ severity: 'Error', shouldRetry: true });
    expect(m({ fatal: true })).to.include({ severity: 'Fatal', shouldRetry: false });
  });

  it('names every condition with its count, in dry-run wording when dry', () => {
    const o = { ...none, filesCopied: 4, extrasRemoved: 2, skippedEntries: 1, failures: 3 };
    const msg = nativeExitMeaning(nativeExitCode(o), o).message;
    expect(msg).to.match(/^exit code 15: /);
    expect(msg).to.contain('3 file(s) or directories failed').and.contain('4 file(s) copied')
      .and.contain('2 extra entr(ies) removed').and.contain('1 symbolic link(s)');
    const dry = { ...none, filesCopied: 4, dryRun: true };
    expect(nativeExitMeaning(1, dry).message).to.contain('4 file(s) would be copied');
    expect(nativeExitMeaning(0, none).message).to.contain('up to date');
  });
});
