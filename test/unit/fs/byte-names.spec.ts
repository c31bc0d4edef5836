import { expect } from 'chai';
import fc from 'fast-check';
import { decodeName, displayName, encodeName, fsPath, hasEscapedBytes, loadName, storeName } from '../../../src/fs/byte-names';

/** No lone surrogate (String.prototype.isWellFormed, which our TS lib target does not declare). */
const wellFormed = (t: string): boolean => Buffer.from(t, 'utf8').toString('utf8') === t;

describe('byte names (surrogate-escaped non-UTF-8 names)', () => {
  it('plain UTF-8 names are ordinary strings, unchanged by every function', () => {
    // U+1F4A9 is D83D DCA9: its low half lies in the escape range and must not be taken for one.
    for (const s of ['a.txt', 'été/plage.jpg', '日本語', 'emoji 😀', 'pile \u{1F4A9}', '\u{10080}\u{100FF}', 'C:\\x80dir', 'real \ufffd char']) {
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

  it('round-trips mixes of random bytes and any Unicode text; what is shown or stored is well-formed', () => {
    const part = fc.oneof(fc.uint8Array({ maxLength: 6, min: 1 }).map((a) => Buffer.from(a)),
      fc.string({ unit: 'grapheme', maxLength: 6 }).map((t) => Buffer.from(t.replace(/\0/g, ''), 'utf8')));
    fc.assert(fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
      const b = Buffer.concat(parts);
      const s = decodeName(b);
      expect(encodeName(s).equals(b)).to.equal(true);
      expect(encodeName(loadName(storeName(s))).equals(b)).to.equal(true);
      expect(wellFormed(displayName(s)), displayName(s)).to.equal(true);
      expect(wellFormed(storeName(s))).to.equal(true);
    }), { numRuns: 2000 });
  });

  it('an escaped byte next to an astral character keeps both', () => {
    const bytes = Buffer.concat([Buffer.of(0xe9), Buffer.from('\u{1F4A9}'), Buffer.of(0xff)]);
    const s = decodeName(bytes);
    expect(s).to.equal('\udce9\u{1F4A9}\udcff');
    expect(displayName(s)).to.equal('\\xE9\u{1F4A9}\\xFF');
    expect(encodeName(loadName(storeName(s))).equals(bytes)).to.equal(true);
    expect(Buffer.from(storeName(s), 'utf8').toString('utf8')).to.equal(storeName(s));
  });

  it('a plain name containing a literal \\x80 is never read back as an escape', () => {
    expect(loadName(storeName('dir\\x80'))).to.equal('dir\\x80');
    const escaped = decodeName(Buffer.from([0x5c, 0x78, 0x38, 0x30, 0x80])); // "\x80" then byte 0x80
    expect(loadName(storeName(escaped))).to.equal(escaped);
  });
});
