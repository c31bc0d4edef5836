import { expect } from 'chai';
import { defaultPreserve, resolvePreserve } from '../../../src/config/preserve';
import { nativePreserveCapabilities } from '../../../src/engines/native/preserve-capabilities';
import { ROBOCOPY_PRESERVE } from '../../../src/engines/robocopy/preserve-capabilities';
import { RSYNC_PRESERVE } from '../../../src/engines/rsync/preserve-capabilities';

const vfat = { name: 'vfat', keeps: { owners: false, symlinks: false, hardLinks: false, specials: false, sparse: false, xattrs: false, acls: false, modes: false } };

describe('preserve: defaults and what each engine and destination can keep', () => {
  it('defaults: everything but atimes; owners only when privileged', () => {
    expect(defaultPreserve(true)).to.deep.equal({
      owners: true, symlinks: true, hardLinks: true, specials: true, sparse: true, xattrs: true, acls: true, modes: true, atimes: false, directoryTimes: true,
    });
    expect(defaultPreserve(false).owners).to.equal(false);
  });

  it('the profile\'s settings win over the defaults', () => {
    const r = resolvePreserve({ symlinks: false, atimes: true }, { privileged: true, engine: RSYNC_PRESERVE, engineName: 'rsync' });
    expect(r.preserve).to.include({ symlinks: false, atimes: true, owners: true });
    expect(r.notes).to.deep.equal([]);
  });

  it('asking for owners without privileges is a warning, and owners are off', () => {
    const r = resolvePreserve({ owners: true }, { privileged: false, engine: RSYNC_PRESERVE, engineName: 'rsync' });
    expect(r.preserve.owners).to.equal(false);
    expect(r.notes).to.have.length(1);
    expect(r.notes[0]).to.include({ key: 'owners', level: 'warn' });
    expect(r.notes[0].message).to.contain('preserve.owners').and.contain('root');
  });

  it('robocopy cannot keep links, specials, holes or POSIX xattrs: warnings when asked, notes when by default; hard links stay (the link pass)', () => {
    const asked = resolvePreserve({ symlinks: true, xattrs: true }, { privileged: true, engine: ROBOCOPY_PRESERVE, engineName: 'robocopy' });
    expect(asked.preserve).to.include({ symlinks: false, xattrs: false, specials: false, sparse: false, hardLinks: true, acls: true, owners: true });
    expect(asked.notes.filter((n) => n.level === 'warn').map((n) => n.key).sort()).to.deep.equal(['symlinks', 'xattrs']);
    expect(asked.notes.find((n) => n.key === 'symlinks')!.message).to.contain('/SL');
    expect(asked.notes.filter((n) => n.level === 'info').map((n) => n.key).sort()).to.deep.equal(['sparse', 'specials']);
  });

  it('a destination that keeps nothing (vfat) turns off all but data, times and holes, warning for what was asked', () => {
    const r = resolvePreserve({ xattrs: true }, { privileged: true, engine: RSYNC_PRESERVE, engineName: 'rsync', destination: vfat });
    expect(r.preserve).to.deep.equal({
      owners: false, symlinks: false, hardLinks: false, specials: false, sparse: true, xattrs: false, acls: false, modes: false, atimes: false, directoryTimes: true,
    });
    const warn = r.notes.filter((n) => n.level === 'warn');
    expect(warn).to.have.length(1);
    expect(warn[0].message).to.contain('preserve.xattrs').and.contain('(vfat)');
  });

  it('the native engine without its file-system helper keeps no xattrs or ACLs, and says why', () => {
    const caps = nativePreserveCapabilities('linux', false);
    const r = resolvePreserve({ acls: true }, { privileged: true, engine: caps, engineName: 'native' });
    expect(r.preserve).to.include({ xattrs: false, acls: false, owners: true, symlinks: true, sparse: true });
    expect(r.notes.find((n) => n.key === 'acls')).to.include({ level: 'warn' });
    expect(r.notes.find((n) => n.key === 'acls')!.message).to.contain('file-system helper');
    expect(resolvePreserve({}, { privileged: true, engine: nativePreserveCapabilities('linux', true), engineName: 'native' }).notes).to.deep.equal([]);
  });

  it('an engine that does not say (a plugin) gets the settings as they are', () => {
    expect(resolvePreserve({ xattrs: true }, { privileged: false, engineName: 'plugin' }).preserve.xattrs).to.equal(true);
  });
});
