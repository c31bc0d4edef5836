import { expect } from 'chai';
import { mapRelPath, samePath } from '../../../src/chunk';

describe('mapRelPath', () => {
  const cases: [string, string, boolean, string][] = [
    ['D:\\', 'a/b', true, 'D:\\a\\b'],
    ['D:', 'a', true, 'D:\\a'],
    ['d:/', 'a', true, 'd:\\a'],
    ['D:\\Backup\\', 'a/b', true, 'D:\\Backup\\a\\b'],
    ['D:\\Backup\\\\', 'a', true, 'D:\\Backup\\a'],
    ['D:/Backup\\x/', 'a/b', true, 'D:\\Backup\\x\\a\\b'],
    ['\\\\server\\share', 'a', true, '\\\\server\\share\\a'],
    ['\\\\server\\share\\', 'a/b', true, '\\\\server\\share\\a\\b'],
    ['//server/share/dir/', 'a', true, '\\\\server\\share\\dir\\a'],
    ['\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy3\\data', 'a', true, '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy3\\data\\a'],
    ['/dst', 'a/b', false, '/dst/a/b'],
    ['/dst/', 'a', false, '/dst/a'],
    ['/', 'a', false, '/a'],
    // On POSIX a backslash is part of a name, never a separator
    ['/dst', 'we\\ird', false, '/dst/we\\ird'],
  ];
  for (const [root, rel, win, want] of cases) {
    it(`${win ? 'win32' : 'posix'}: ${root} + ${rel} -> ${want}`, () => {
      expect(mapRelPath(root, rel, win)).to.equal(want);
    });
  }

  it('returns the root exactly as given for the root relPath', () => {
    for (const r of ['D:\\', 'D:\\x\\', '\\\\srv\\share\\', '/dst/']) expect(mapRelPath(r, '', r.startsWith('/') === false)).to.equal(r);
  });
});

describe('samePath', () => {
  it('Windows: ignores case, slash direction and trailing separators', () => {
    expect(samePath('D:\\Data\\Docs\\', 'd:/data/docs', true)).to.equal(true);
    expect(samePath('D:\\', 'd:', true)).to.equal(true);
    expect(samePath('\\\\Server\\Share\\x\\', '//server/share/X', true)).to.equal(true);
    expect(samePath('D:\\a\\.\\b', 'D:\\a\\b', true)).to.equal(true);
  });

  it('Windows: still tells different paths apart', () => {
    expect(samePath('D:\\Data', 'E:\\Data', true)).to.equal(false);
    expect(samePath('D:\\Data', 'D:\\Data2', true)).to.equal(false);
    expect(samePath('\\\\srv\\a', '\\\\srv\\b', true)).to.equal(false);
  });

  it('POSIX: ignores trailing and doubled slashes but not case', () => {
    expect(samePath('/data/docs/', '/data//docs', false)).to.equal(true);
    expect(samePath('/', '//', false)).to.equal(true);
    expect(samePath('/Data', '/data', false)).to.equal(false);
    expect(samePath('/a\\b', '/a/b', false)).to.equal(false);
  });
});
