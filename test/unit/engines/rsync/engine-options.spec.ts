import { expect } from 'chai';
import { readRsyncEngineOptions } from '../../../../src/engines/rsync/engine-options';
import { RsyncArgumentError } from '../../../../src/engines/rsync/errors';

describe('readRsyncEngineOptions', () => {
  it('defaults to rsync on PATH, no extra attributes (preserve decides), confined, and everything optional off', () => {
    expect(readRsyncEngineOptions({})).to.deep.equal({
      executable: 'rsync', attributes: [],
      deleteExcluded: false, resumePartial: false, timeoutSeconds: 0, confine: true,
    });
    expect(readRsyncEngineOptions({ rsync: { confine: false } }).confine).to.equal(false);
    expect(readRsyncEngineOptions({}, '/opt/bin/rsync').executable).to.equal('/opt/bin/rsync');
  });

  it('takes the profile executable and attribute sets as a string or a list', () => {
    const o = readRsyncEngineOptions({ rsync: { executable: '/usr/local/bin/rsync', attributes: '-rlptD  --numeric-ids' } });
    expect(o.executable).to.equal('/usr/local/bin/rsync');
    expect(o.attributes).to.deep.equal(['-rlptD', '--numeric-ids']);
    expect(readRsyncEngineOptions({ rsync: { attributes: ['--archive', '--modify-window=2'] } }).attributes).to.deep.equal(['--archive', '--modify-window=2']);
  });

  for (const [what, raw, field] of [
    ['a deleting switch', { attributes: '--delete' }, 'attributes'],
    ['a remote-shell switch', { attributes: ['-e', 'ssh'] }, 'attributes'],
    ['a short flag outside the whitelist', { attributes: '-avz' }, 'attributes'],
    ['an empty attribute set', { attributes: '  ' }, 'attributes'],
    ['a non-boolean flag', { deleteExcluded: 'yes' }, 'deleteExcluded'],
    ['a non-boolean confine', { confine: 'no' }, 'confine'],
    ['a key moved to preserve', { hardLinks: true }, 'hardLinks'],
    ['a negative timeout', { timeoutSeconds: -1 }, 'timeoutSeconds'],
    ['an unknown option (typo)', { xattr: true }, 'xattr'],
    ['an empty executable', { executable: '' }, 'executable'],
    ['an executable with a control character', { executable: 'rsync\n--delete' }, 'executable'],
    ['-L (follows every link in the source)', { attributes: '-aL' }, 'attributes'],
    ['-K (writes through directory links in the destination)', { attributes: ['-a', '-K'] }, 'attributes'],
    ['-k (follows links to directories)', { attributes: '-rlptk' }, 'attributes'],
    ['--copy-links', { attributes: ['-a', '--copy-links'] }, 'attributes'],
    ['--copy-unsafe-links', { attributes: '-a --copy-unsafe-links' }, 'attributes'],
    ['--keep-dirlinks', { attributes: '-a --keep-dirlinks' }, 'attributes'],
    ['--copy-dirlinks', { attributes: '-a --copy-dirlinks' }, 'attributes'],
    ['an abbreviated --copy-links', { attributes: '-a --copy-li' }, 'attributes'],
  ] as const) {
    it(`rejects ${what}, naming the field`, () => {
      expect(() => readRsyncEngineOptions({ rsync: raw })).to.throw(RsyncArgumentError, `engineOptions.rsync.${field}`);
      try { readRsyncEngineOptions({ rsync: raw }); } catch (e) { expect((e as RsyncArgumentError).field).to.equal(field); }
    });
  }
});
