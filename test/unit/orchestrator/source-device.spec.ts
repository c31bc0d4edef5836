import { expect } from 'chai';
import { mountOf, parseMountInfo, probeSourceDevice, sameFileSystem, type SourceDevice } from '../../../src/orchestrator/source-device';

const MOUNTINFO = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '40 22 0:52 / /mnt/share rw,relatime shared:30 - nfs4 filer:/export/share rw,vers=4.2',
  '41 22 0:53 / /mnt/with\\040space rw - tmpfs tmpfs rw',
  '42 40 0:54 / /mnt/share/inner rw - cifs //srv/inner rw',
  '43 22 0:60 / /mnt/share rw - tmpfs tmpfs rw',
  'garbage line',
].join('\n');

describe('source file system identity (mirror rail)', () => {
  const mounts = parseMountInfo(MOUNTINFO);

  it('parses mountinfo, unescaping mount points', () => {
    expect(mounts).to.have.length(5);
    expect(mounts[2]).to.deep.equal({ majorMinor: '0:53', mountPoint: '/mnt/with space', fsType: 'tmpfs', source: 'tmpfs' });
  });

  it('finds the mount holding a path: longest mount point, the last one mounted on a point wins', () => {
    expect(mountOf(mounts, '/srv/data')?.fsType).to.equal('ext4');
    expect(mountOf(mounts, '/mnt/share/inner/x')?.fsType).to.equal('cifs');
    expect(mountOf(mounts, '/mnt/share/docs')?.majorMinor).to.equal('0:60');
    expect(mountOf(mounts, '/mnt/shared')?.fsType).to.equal('ext4');
    expect(mountOf(mounts, '/mnt/with space/a')?.fsType).to.equal('tmpfs');
  });

  it('same device: same file system; a new device number is still the same share when the mount table agrees', () => {
    const nfs: SourceDevice = { device: '0:52', fsType: 'nfs4', mountPoint: '/mnt/share', mountSource: 'filer:/export/share' };
    expect(sameFileSystem(nfs, { ...nfs })).to.equal(true);
    expect(sameFileSystem(nfs, { ...nfs, device: '0:77' }), 'remounted').to.equal(true);
    expect(sameFileSystem(nfs, { device: '8:1', fsType: 'ext4', mountPoint: '/', mountSource: '/dev/sda1' }), 'mount gone').to.equal(false);
    expect(sameFileSystem(nfs, { ...nfs, device: '0:77', mountSource: 'other:/export' }), 'another share').to.equal(false);
    const bare: SourceDevice = { device: '123', fsType: null, mountPoint: null, mountSource: null };
    expect(sameFileSystem(bare, { ...bare })).to.equal(true);
    expect(sameFileSystem(bare, { ...bare, device: '124' }), 'no mount table: the device decides').to.equal(false);
  });

  it('probes a real path: the device, and on Linux the mount holding it', async function () {
    const d = await probeSourceDevice('/');
    expect(d.device).to.match(process.platform === 'linux' ? /^\d+:\d+$/ : /^\d+$/);
    if (process.platform === 'linux') expect(d.mountPoint).to.equal('/');
  });
});
