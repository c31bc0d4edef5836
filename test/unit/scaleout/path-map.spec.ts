import { expect } from 'chai';
import { UsageError } from '../../../src/errors/usage-error';
import { mapRoot, parsePathMaps } from '../../../src/scaleout/path-map';

describe('scaleout/path maps', () => {
  it('maps a root and what lies below it, by whole path components, longest match first', () => {
    const maps = parsePathMaps(['/srv/data=/mnt/data', '/srv/data/deep=/fast/deep', '/srv=/x']);
    expect(mapRoot(maps, '/srv/data')).to.equal('/mnt/data');
    expect(mapRoot(maps, '/srv/data/sub')).to.equal('/mnt/data/sub');
    expect(mapRoot(maps, '/srv/data/deep/a')).to.equal('/fast/deep/a');
    expect(mapRoot(maps, '/srv/database')).to.equal('/x/database');
    expect(mapRoot(maps, '/other')).to.equal('/other');
  });

  it('a trailing separator on either side changes nothing', () => {
    expect(mapRoot(parsePathMaps(['/srv/data/=/mnt/data/']), '/srv/data/a')).to.equal('/mnt/data/a');
  });

  it('maps Windows roots too (a worker on Windows)', () => {
    expect(mapRoot(parsePathMaps(['/srv/share=D:\\share']), '/srv/share')).to.equal('D:\\share');
  });

  it('refuses values without =, relative paths and control characters, naming --path-map', () => {
    for (const bad of ['/a', '=/b', '/a=', 'rel=/b', '/a=rel', '/a=/b\u0007']) {
      expect(() => parsePathMaps([bad]), bad).to.throw(UsageError, /--path-map/);
    }
  });
});
