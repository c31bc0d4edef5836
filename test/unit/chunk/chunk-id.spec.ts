import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { chunkId, normaliseRelPath } from '../../../src/chunk';

describe('chunkId', () => {
  it('is the first 16 hex digits of sha256(profile \\0 relPath \\0 kind)', () => {
    const want = createHash('sha256').update('docs\0a/b\0tree').digest('hex').slice(0, 16);
    expect(chunkId('docs', 'a/b', 'tree')).to.equal(want).and.to.match(/^[0-9a-f]{16}$/);
  });

  it('is the same for differently written forms of one relPath', () => {
    const id = chunkId('docs', 'a/b', 'tree');
    for (const p of ['/a/b/', 'a//b', '//a/b']) expect(chunkId('docs', p, 'tree'), p).to.equal(id);
  });

  it('takes a backslash as part of a name (POSIX), never as a separator', () => {
    expect(chunkId('docs', 'a\\b', 'tree')).to.not.equal(chunkId('docs', 'a/b', 'tree'));
  });

  it('differs by profile, path, kind and case', () => {
    const ids = [
      chunkId('docs', 'a/b', 'tree'), chunkId('docs2', 'a/b', 'tree'), chunkId('docs', 'a/c', 'tree'),
      chunkId('docs', 'a/b', 'files-only'), chunkId('docs', 'A/b', 'tree'),
      // The separator keeps ('a', 'b\0c') and ('a\0b', 'c') apart
      chunkId('a', 'bc', 'tree'), chunkId('ab', 'c', 'tree'),
    ];
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('normaliseRelPath turns separators into single slashes without ends', () => {
    expect(normaliseRelPath('//x//y/z/')).to.equal('x/y/z');
    expect(normaliseRelPath('x\\y')).to.equal('x\\y');
    expect(normaliseRelPath('')).to.equal('');
  });
});
