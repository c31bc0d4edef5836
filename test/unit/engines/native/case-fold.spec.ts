import { expect } from 'chai';
import { foldCase } from '../../../../src/engines/native/case-fold';

describe('foldCase (names on a case-insensitive destination)', () => {
  it('files names that differ only in case under one key', () => {
    expect(foldCase('Finance')).to.equal(foldCase('finance'));
    expect(foldCase('ÉTÉ.TXT')).to.equal(foldCase('été.txt'));
    expect(foldCase('Report.TXT')).to.equal('report.txt');
  });

  it('keeps characters whose lower case is longer, and never merges different names', () => {
    expect(foldCase('İx')).to.equal('İx');
    expect(foldCase('a')).to.not.equal(foldCase('b'));
    // NFC and NFD spellings stay apart (NTFS keeps both).
    expect(foldCase('\u00e9')).to.not.equal(foldCase('e\u0301'));
  });

  it('leaves escaped bytes (names that are not UTF-8) as they are', () => {
    expect(foldCase('CAF\udce9')).to.equal('caf\udce9');
  });
});
