import { expect } from 'chai';
import type { ExcludeRules } from '../../../src/api';
import { makeExcludeMatcher, relativeToRoot } from '../../../src/scan';

const rules = (r: Partial<ExcludeRules>): ExcludeRules => ({ excludeFiles: [], excludeDirs: [], caseInsensitive: false, ...r });

describe('makeExcludeMatcher', () => {
  describe('excludeFiles', () => {
    it('matches * and ? against the whole name', () => {
      const m = makeExcludeMatcher(rules({ excludeFiles: ['*.tmp', 'file?.log'] }));
      expect(m.excludesFile('a.tmp')).to.equal(true);
      expect(m.excludesFile('.tmp')).to.equal(true);
      expect(m.excludesFile('a.tmp.bak')).to.equal(false);
      expect(m.excludesFile('file1.log')).to.equal(true);
      expect(m.excludesFile('file12.log')).to.equal(false);
      expect(m.excludesFile('file.log')).to.equal(false);
    });

    it('matches dot files with * like any other name', () => {
      const m = makeExcludeMatcher(rules({ excludeFiles: ['*'] }));
      expect(m.excludesFile('.hidden')).to.equal(true);
      expect(makeExcludeMatcher(rules({ excludeFiles: ['*rc'] })).excludesFile('.bashrc')).to.equal(true);
    });

    it('treats glob and regex characters literally: only * and ? are wildcards', () => {
      const m = makeExcludeMatcher(rules({ excludeFiles: ['[a].txt', '{x,y}.dat', '!neg', 'a+(b)', 'c.d', '$^|\\x'] }));
      expect(m.excludesFile('[a].txt')).to.equal(true);
      expect(m.excludesFile('a.txt')).to.equal(false);
      expect(m.excludesFile('{x,y}.dat')).to.equal(true);
      expect(m.excludesFile('x.dat')).to.equal(false);
      expect(m.excludesFile('!neg')).to.equal(true);
      expect(m.excludesFile('neg')).to.equal(false);
      expect(m.excludesFile('a+(b)')).to.equal(true);
      expect(m.excludesFile('ab')).to.equal(false);
      expect(m.excludesFile('cXd')).to.equal(false);
      expect(m.excludesFile('$^|\\x')).to.equal(true);
    });

    it('is case-sensitive unless asked otherwise', () => {
      expect(makeExcludeMatcher(rules({ excludeFiles: ['*.TMP'] })).excludesFile('a.tmp')).to.equal(false);
      expect(makeExcludeMatcher(rules({ excludeFiles: ['*.TMP'], caseInsensitive: true })).excludesFile('a.tmp')).to.equal(true);
    });

    it('? matches one character, also a non-BMP one', () => {
      expect(makeExcludeMatcher(rules({ excludeFiles: ['?.x'] })).excludesFile('\u{1F600}.x')).to.equal(true);
    });

    it('excludes nothing without patterns, and ignores empty ones', () => {
      const m = makeExcludeMatcher(rules({ excludeFiles: [''], excludeDirs: ['', '/'] }));
      expect(m.excludesFile('a')).to.equal(false);
      expect(m.excludesDir('a', 'a')).to.equal(false);
    });
  });

  describe('excludeDirs', () => {
    it('matches a bare name or wildcard at any depth', () => {
      const m = makeExcludeMatcher(rules({ excludeDirs: ['node_modules', 'tmp*'] }));
      expect(m.excludesDir('node_modules', 'node_modules')).to.equal(true);
      expect(m.excludesDir('node_modules', 'a/b/node_modules')).to.equal(true);
      expect(m.excludesDir('tmp2', 'x/tmp2')).to.equal(true);
      expect(m.excludesDir('node_modules2', 'node_modules2')).to.equal(false);
      expect(m.excludesDir('x', 'node_modules/x')).to.equal(false);
    });

    it('matches a pattern with a separator against the path from the source root', () => {
      const m = makeExcludeMatcher(rules({ excludeDirs: ['a/b', 'c\\d\\', './e/*/f'] }));
      expect(m.excludesDir('b', 'a/b')).to.equal(true);
      expect(m.excludesDir('b', 'x/a/b')).to.equal(false);
      expect(m.excludesDir('b', 'b')).to.equal(false);
      expect(m.excludesDir('d', 'c/d')).to.equal(true);
      expect(m.excludesDir('f', 'e/1/f')).to.equal(true);
      // In a path pattern * stays within one segment
      expect(m.excludesDir('f', 'e/1/2/f')).to.equal(false);
    });

    it('matches absolute paths under the source root, with either slash and case-insensitively when asked', () => {
      const m = makeExcludeMatcher(rules({ excludeDirs: ['D:\\Data\\Temp', 'E:\\Other\\x', 'D:/data'], caseInsensitive: true }), { sourceRoot: 'd:/data/' });
      expect(m.excludesDir('temp', 'temp')).to.equal(true);
      expect(m.excludesDir('x', 'x')).to.equal(false);
      // The root itself is never excluded (that would exclude everything)
      expect(m.excludesDir('data', 'data')).to.equal(false);
    });

    it('drops absolute patterns when the source root is not known', () => {
      const m = makeExcludeMatcher(rules({ excludeDirs: ['/src/a'] }));
      expect(m.excludesDir('a', 'a')).to.equal(false);
      expect(m.excludesDir('a', 'src/a')).to.equal(false);
    });

    it('respects case-sensitivity for names and paths', () => {
      const cs = makeExcludeMatcher(rules({ excludeDirs: ['Cache', 'A/B'] }));
      expect(cs.excludesDir('cache', 'cache')).to.equal(false);
      expect(cs.excludesDir('b', 'a/b')).to.equal(false);
      const ci = makeExcludeMatcher(rules({ excludeDirs: ['Cache', 'A/B'], caseInsensitive: true }));
      expect(ci.excludesDir('cache', 'x/cache')).to.equal(true);
      expect(ci.excludesDir('b', 'a/b')).to.equal(true);
    });

    it('does not treat directory patterns as file patterns or the reverse', () => {
      const m = makeExcludeMatcher(rules({ excludeFiles: ['*.bak'], excludeDirs: ['logs'] }));
      expect(m.excludesFile('logs')).to.equal(false);
      expect(m.excludesDir('old.bak', 'old.bak')).to.equal(false);
    });
  });
});

describe('relativeToRoot', () => {
  it('gives the path below the root, or null outside it', () => {
    expect(relativeToRoot('/src/a/b', '/src', false)).to.equal('a/b');
    expect(relativeToRoot('/src/a/b', '/src/', false)).to.equal('a/b');
    expect(relativeToRoot('/src', '/src/', false)).to.equal('');
    expect(relativeToRoot('/srcx/a', '/src', false)).to.equal(null);
    expect(relativeToRoot('/SRC/a', '/src', false)).to.equal(null);
    expect(relativeToRoot('/SRC/a', '/src', true)).to.equal('a');
    expect(relativeToRoot('/a/b', '/', false)).to.equal('a/b');
    expect(relativeToRoot('\\\\srv\\share\\x\\y', '//srv/share', true)).to.equal('x/y');
  });
});
