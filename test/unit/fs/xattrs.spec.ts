import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsx } from '../../../src/fs/fsx';
import { ACL_ACCESS, ACL_DEFAULT, readXattrs, sameXattrs, splitNames, wanted, writeXattrs } from '../../../src/fs/xattrs';
import { removeTemp, tempDir } from '../../helpers/make-tree';

describe('extended attributes', () => {
  it('keeps ACLs under acls, other namespaces under xattrs, never other system.* attributes', () => {
    expect(wanted(ACL_ACCESS, { xattrs: false, acls: true })).to.equal(true);
    expect(wanted(ACL_DEFAULT, { xattrs: true, acls: false })).to.equal(false);
    expect(wanted('user.a', { xattrs: true, acls: false })).to.equal(true);
    expect(wanted('security.selinux', { xattrs: true, acls: false })).to.equal(true);
    expect(wanted('system.nfs4_acl', { xattrs: true, acls: true })).to.equal(false);
    expect(splitNames(Buffer.from('user.a\0user.b\0'))).to.deep.equal(['user.a', 'user.b']);
    expect(splitNames(Buffer.alloc(0))).to.deep.equal([]);
    expect(sameXattrs([['a', Buffer.from('1')], ['b', Buffer.from('2')]], [['b', Buffer.from('2')], ['a', Buffer.from('1')]])).to.equal(true);
    expect(sameXattrs([['a', Buffer.from('1')]], [['a', Buffer.from('2')]])).to.equal(false);
  });

  describe('on real files (needs the helper, built at install)', () => {
    let dir: string;
    beforeEach(() => {
      expect(fsx, 'robocurse\'s file-system helper must be built here').to.not.equal(undefined);
      dir = tempDir('robocurse-xattr-');
    });
    afterEach(() => removeTemp(dir));

    it('copies user attributes and an ACL by descriptor and by a name that is not UTF-8, and prunes what the source lacks', () => {
      const src = path.join(dir, 'src');
      fs.writeFileSync(src, 'x');
      execFileSync('setfattr', ['-n', 'user.k', '-v', 'v1', src]);
      execFileSync('setfacl', ['-m', 'u:65534:r', src]);
      const dstName = Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9])]);
      fs.writeFileSync(dstName, 'x');
      fsx!.lsetxattr(dstName, 'user.stale', Buffer.from('old'));
      const fd = fs.openSync(src, 'r');
      let attrs;
      try { attrs = readXattrs({ fd }, { xattrs: true, acls: true }); } finally { fs.closeSync(fd); }
      expect(attrs.map(([n]) => n).sort()).to.deep.equal([ACL_ACCESS, 'user.k']);
      expect(writeXattrs({ path: dstName }, attrs, { xattrs: true, acls: true }, true)).to.deep.equal([]);
      expect(sameXattrs(readXattrs({ path: dstName }, { xattrs: true, acls: true }), attrs)).to.equal(true);
      // getfacl cannot be given a name that is not UTF-8 (argv is UTF-8): read the same through a link.
      fs.symlinkSync(dstName, path.join(dir, 'alias'));
      expect(execFileSync('getfacl', ['-L', '--omit-header', path.join(dir, 'alias')], { encoding: 'utf8' }))
        .to.equal(execFileSync('getfacl', ['--omit-header', src], { encoding: 'utf8' }));
    });

    it('never follows a link: a user attribute cannot be set on one, and its target is untouched', () => {
      const target = path.join(dir, 't');
      fs.writeFileSync(target, 'x');
      fs.symlinkSync(target, path.join(dir, 'l'));
      const failed = writeXattrs({ path: path.join(dir, 'l') }, [['user.k', Buffer.from('v')]], { xattrs: true, acls: false }, false);
      expect(failed).to.have.length(1);
      expect(readXattrs({ path: target }, { xattrs: true, acls: true })).to.deep.equal([]);
    });
  });
});
