import { expect } from 'chai';
import { OnlyFiles } from '../../../../src/engines/native/only-files';

describe('native OnlyFiles (the walk of a file-only attempt)', () => {
  const only = new OnlyFiles(['top.txt', 'a/b/c.txt', 'a/d.txt', 'listed-dir', 'x\udc80/y']);

  it('copies listed paths, walks the directories on their way, and leaves everything else', () => {
    expect(only.pick('top.txt')).to.equal('all');
    expect(only.pick('a')).to.equal('some');
    expect(only.pick('a/b')).to.equal('some');
    expect(only.pick('a/b/c.txt')).to.equal('all');
    expect(only.pick('a/d.txt')).to.equal('all');
    expect(only.pick('a/e.txt')).to.equal('none');
    expect(only.pick('a/b/other')).to.equal('none');
    expect(only.pick('other')).to.equal('none');
    expect(only.pick('top.txt.bak')).to.equal('none');
    expect(only.pick('x\udc80')).to.equal('some');
    expect(only.pick('x\udc80/y')).to.equal('all');
  });

  it('a listed directory is copied with everything in it', () => {
    expect(only.pick('listed-dir/deep/file')).to.equal('all');
    expect(only.pick('listed-dir2')).to.equal('none');
  });
});
