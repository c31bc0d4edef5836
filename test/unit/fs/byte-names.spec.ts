import { expect } from 'chai';
import fc from 'fast-check';
import { decodeName, displayName, encodeName, fsPath, hasEscapedBytes, loadName, storeName } from '../../../src/fs/byte-names';

describe('byte names (surrogate-escaped non-UTF-8 names)', () => {
  it('plain UTF-8 names are ordinary strings, unchanged by every function', () => {
    for (const s of ['a.txt', 'été/plage.jpg', '日本語', 'emoji 😀', 'C:\\x80dir', 'real \ufffd char']) {
      const b = Buffer.from(s, 'utf8');
      expect(decodeName(b)).to.equal(s);
      expect(hasEscapedBytes(s)).to.equal(false);
      expect(fsPath(s)).to.equal(s);
      expect(displayName(s)).to.equal(s);
      expect(storeName(s)).to.equal(s);
      expect(loadName(s)).to.equal(s);
    }
  });

  it('a Latin-1 name decodes to escapes and encodes back to the same bytes', () => {
    const bytes = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]); // "café.txt" in Latin-1
    const s = decodeName(bytes);
    expect(hasEscapedBytes(s)).to.equal(true);
    expect(s).to.equal('caf\udce9.txt');
    expect(encodeName(s).equals(bytes)).to.equal(true);
    expect(Buffer.isBuffer(fsPath(s))).to.equal(true);
    expect(displayName(s)).to.equal('caf\\xE9.txt');
  });

  it('overlong, surrogate and truncated sequences are escaped byte by byte', () => {
    for (const bytes of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0xff, 0x41]]) {
      const b = Buffer.from(bytes);
      const s = decodeName(b);
      expect(encodeName(s).equals(b), JSON.stringify(bytes)).to.equal(true);
    }
  });

  it('round-trips any byte string through decode/encode and store/load', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 40, min: 1 }), (arr) => { // NUL is never part of a name
      const b = Buffer.from(arr);
      const s = decodeName(b);
      expect(encodeName(s).equals(b)).to.equal(true);
      expect(encodeName(loadName(storeName(s))).equals(b)).to.equal(true);
      // What is stored survives a UTF-8 round trip (SQLite TEXT, JSON).
      const stored = storeName(s);
      expect(Buffer.from(stored, 'utf8').toString('utf8')).to.equal(stored);
    }), { numRuns: 2000 });
  });

  it('a plain name containing a literal \\x80 is never read back as an escape', () => {
    expect(loadName(storeName('dir\\x80'))).to.equal('dir\\x80');
    const escaped = decodeName(Buffer.from([0x5c, 0x78, 0x38, 0x30, 0x80])); // "\x80" then byte 0x80
    expect(loadName(storeName(escaped))).to.equal(escaped);
  });
});
