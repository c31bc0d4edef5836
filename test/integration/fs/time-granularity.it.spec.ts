import { expect } from 'chai';
import * as fs from 'node:fs';
import { knownMtimeGranularityMs, probeMtimeGranularityMs } from '../../../src/fs/time-granularity';
import { removeTemp, tempDir } from '../../helpers/make-tree';

describe('probeMtimeGranularityMs', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => removeTemp(dir));

  it('finds exact times on the test file system (ext4/tmpfs keep nanoseconds) and leaves no probe behind', async () => {
    expect(await probeMtimeGranularityMs(dir, { mayWrite: true })).to.equal(0);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it('probes nothing when it may not write (dry run) or the root is missing', async () => {
    expect(await probeMtimeGranularityMs(dir, { mayWrite: false })).to.equal(undefined);
    expect(await probeMtimeGranularityMs(`${dir}/missing`, { mayWrite: true })).to.equal(undefined);
  });

  it('never follows or overwrites an entry already at the probe name (O_EXCL)', async () => {
    // The name is random; a planted link elsewhere is never touched: only our own new file is.
    fs.symlinkSync('/etc/passwd', `${dir}/.robocurse-time-probe-planted`);
    const before = fs.statSync('/etc/passwd').mtimeMs;
    await probeMtimeGranularityMs(dir, { mayWrite: true });
    expect(fs.statSync('/etc/passwd').mtimeMs).to.equal(before);
    expect(fs.readdirSync(dir)).to.deep.equal(['.robocurse-time-probe-planted']);
  });

  it('knows the precision of local file systems from their type, without writing; a missing root is unknown', () => {
    expect(knownMtimeGranularityMs(dir)).to.equal(0); // the test's temp dir: ext4, tmpfs, xfs or btrfs
    expect(fs.readdirSync(dir)).to.deep.equal([]);
    expect(knownMtimeGranularityMs(`${dir}/missing`)).to.equal(undefined);
  });
});
