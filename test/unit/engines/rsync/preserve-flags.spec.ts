import { expect } from 'chai';
import type { Preserve } from '../../../../src/api';
import { preserveFlags } from '../../../../src/engines/rsync/preserve-flags';

const ALL: Preserve = {
  owners: true, symlinks: true, hardLinks: true, specials: true, sparse: true, xattrs: true, acls: true,
  modes: true, atimes: true, directoryTimes: true,
};
const NONE: Preserve = {
  owners: false, symlinks: false, hardLinks: false, specials: false, sparse: false, xattrs: false, acls: false,
  modes: false, atimes: false, directoryTimes: false,
};

describe('rsync preserveFlags', () => {
  it('everything kept, devices allowed: -rt -l -p -o -g --numeric-ids --specials --devices -H -A -X -S -U', () => {
    expect(preserveFlags(ALL, [], true)).to.deep.equal(['-rt', '-l', '-p', '-o', '-g', '--numeric-ids', '--specials', '--devices', '-H', '-A', '-X', '-S', '-U']);
  });

  it('devices only where mknod is allowed (else rsync fails each one)', () => {
    expect(preserveFlags(ALL, [], false)).to.not.include('--devices');
  });

  it('nothing kept: recursion and mtimes only, directory times omitted', () => {
    expect(preserveFlags(NONE, [], true)).to.deep.equal(['-rt', '-O']);
  });

  it('with -a in attributes, what preserve keeps off is switched off after it', () => {
    expect(preserveFlags(NONE, ['-a'], true)).to.deep.equal(['-rt', '-O', '-a', '--no-links', '--no-perms', '--no-owner', '--no-group',
      '--no-specials', '--no-devices', '--no-hard-links', '--no-acls', '--no-xattrs', '--no-sparse', '--no-atimes']);
  });
});
