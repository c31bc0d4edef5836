import { expect } from 'chai';
import { BtrfsSnapshotProvider } from '../../../plugins/btrfs/btrfs-provider';
import { parseList } from '../../../plugins/btrfs/btrfs-cli';
import { parseMountInfo } from '../../../plugins/btrfs/fs-view';
import { DEFAULT_BTRFS_OPTIONS, type BtrfsOptions } from '../../../plugins/btrfs/options';
import { createdAtFromName, snapshotName } from '../../../plugins/btrfs/snapshot-names';
import { recordingLogger } from '../../helpers/recording-logger';
import { FakeFs, FakeRunner } from './btrfs-fakes';

const EXT4 = 0xef53;
const NOW = new Date('2030-01-02T03:04:05.678Z');
const SNAPDIR = '/srv/pool/data/.robocurse-snapshots';
const NAME = 'robocurse-20300102T030405678Z-docs-abcd';

/** /srv is ext4; /srv/pool is a btrfs mount of the top level; data is a subvolume with docs/hr in it. */
function layout(): FakeFs {
  return new FakeFs()
    .add('/', 2, EXT4).add('/srv', 3, EXT4)
    .add('/srv/pool', 256).add('/srv/pool/data', 256).add('/srv/pool/data/docs', 300).add('/srv/pool/data/docs/hr', 301);
}

/** btrfs answers for the layout; snapshots appear in the fake filesystem like the real ones. */
function btrfsFor(fs: FakeFs, nested: string[] = [], snapshotContent: (dest: string) => void = () => undefined): FakeRunner {
  return new FakeRunner((argv) => {
    const [, a, b] = argv;
    if (a === 'subvolume' && b === 'show') return { stdout: 'data\n\tName: \t\t\tdata\n' };
    if (a === 'subvolume' && b === 'list') return { stdout: ['ID 256 gen 9 top level 5 path <FS_TREE>/data', ...nested.map((n, i) => `ID ${300 + i} gen 9 top level 256 path ${n}`)].join('\n') };
    if (a === 'subvolume' && b === 'snapshot') { const dest = argv[argv.length - 1]; fs.add(dest, 256); snapshotContent(dest); }
    if (a === 'subvolume' && b === 'delete') fs.dirs.delete(argv[3]);
    return undefined;
  });
}

function provider(fs: FakeFs, runner: FakeRunner, options: Partial<BtrfsOptions> = {}) {
  const logger = recordingLogger();
  const p = new BtrfsSnapshotProvider({ ...DEFAULT_BTRFS_OPTIONS, ...options }, { runner, fs, logger, now: () => NOW, random: () => 'abcd' });
  return { p, logger };
}

describe('btrfs snapshot provider', () => {
  it('snapshots the subvolume read-only and maps a source inside it to its place in the snapshot', async () => {
    const fs = layout();
    const runner = btrfsFor(fs);
    const { p } = provider(fs, runner);
    const info = await p.create('/srv/pool/data/docs', { sessionId: 's', label: 'robocurse:docs' });
    expect(info).to.deep.equal({
      id: `${SNAPDIR}/${NAME}`, provider: 'btrfs', sourcePath: '/srv/pool/data/docs',
      snapshotPath: `${SNAPDIR}/${NAME}/docs`, createdAt: NOW.toISOString(),
    });
    expect(runner.lines()).to.deep.equal([
      'btrfs subvolume show /srv/pool/data',
      'btrfs subvolume list -o -a /srv/pool/data',
      `btrfs subvolume snapshot -r /srv/pool/data ${SNAPDIR}/${NAME}`,
    ]);
    expect(fs.made).to.deep.equal([SNAPDIR]);
  });

  it('keeps its own snapshot folder out of a snapshot of the whole subvolume (writable, cleaned, then read-only)', async () => {
    const fs = layout().add(SNAPDIR, 400).add(`${SNAPDIR}/robocurse-old`, 256);
    // In the new snapshot, the earlier snapshot is an empty placeholder directory (inode 2).
    const runner = btrfsFor(fs, ['data/.robocurse-snapshots/robocurse-old'], (dest) => {
      fs.add(`${dest}/.robocurse-snapshots`, 401).add(`${dest}/.robocurse-snapshots/robocurse-old`, 2);
    });
    const { p } = provider(fs, runner);
    const info = await p.create('/srv/pool/data', { sessionId: 's', label: 'robocurse:docs' });
    expect(info.snapshotPath).to.equal(`${SNAPDIR}/${NAME}`);
    expect(runner.lines().slice(2)).to.deep.equal([
      `btrfs subvolume snapshot /srv/pool/data ${SNAPDIR}/${NAME}`,
      `btrfs property set -ts ${SNAPDIR}/${NAME} ro true`,
    ]);
    expect(fs.removed).to.deep.equal([`${SNAPDIR}/${NAME}/.robocurse-snapshots/robocurse-old`, `${SNAPDIR}/${NAME}/.robocurse-snapshots`]);
  });

  it('deletes a half-made snapshot when it cannot be made read-only', async () => {
    const fs = layout();
    const base = btrfsFor(fs);
    const runner = new FakeRunner((argv) => (argv[1] === 'property' ? { code: 1, stderr: 'ERROR: failed to set flags: Operation not permitted' } : base.respond(argv)));
    const { p } = provider(fs, runner);
    const err = await p.create('/srv/pool/data', { sessionId: 's', label: 'robocurse:docs' }).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.equal(`cannot prepare snapshot ${SNAPDIR}/${NAME}: btrfs property set -ts ${SNAPDIR}/${NAME} ro true failed (exit 1): ERROR: failed to set flags: Operation not permitted`);
    expect(runner.lines().at(-1)).to.equal(`btrfs subvolume delete ${SNAPDIR}/${NAME}`);
  });

  it('says what it found when the source is not on btrfs, does not exist, or has no reachable subvolume', async () => {
    const fs = layout().add('/home', 10, EXT4).add('/mnt', 11, EXT4).add('/mnt/bound', 777);
    const { p } = provider(fs, btrfsFor(fs));
    const msg = (src: string) => p.create(src, { sessionId: 's' }).then(() => '', (e: Error) => e.message);
    expect(await msg('/home')).to.equal('cannot snapshot /home: it is not on a btrfs filesystem (found ext2/3/4); the btrfs snapshot provider needs a source on btrfs');
    expect(await msg('/nope')).to.equal('cannot snapshot /nope: it does not exist');
    expect(await msg('/mnt/bound')).to.match(/^cannot snapshot \/mnt\/bound: it is on btrfs but not inside a btrfs subvolume that can be reached: no subvolume root \(inode 256\) between \/mnt\/bound and \/mnt\/bound, whose parent \/mnt is on ext2\/3\/4 \(a bind mount/);
  });

  it('refuses a source with nested subvolumes (they are not in the snapshot), or warns when told to', async () => {
    const fs = layout();
    const runner = btrfsFor(fs, ['data/docs/hr', 'data/other']);
    const err = await provider(fs, runner).p.create('/srv/pool/data/docs', { sessionId: 's' }).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.equal('/srv/pool/data/docs contains nested btrfs subvolumes that a snapshot of /srv/pool/data does not include (they would be copied as empty directories): /srv/pool/data/docs/hr; give each its own profile, or set the btrfs plugin option nestedSubvolumes: "warn"');
    expect(runner.lines().some((l) => l.includes('snapshot'))).to.equal(false);

    const warned = provider(fs, runner, { nestedSubvolumes: 'warn' });
    await warned.p.create('/srv/pool/data/docs', { sessionId: 's' });
    expect(warned.logger.lines.filter((l) => l.level === 'warn').map((l) => l.obj.nested)).to.deep.equal([['/srv/pool/data/docs/hr']]);
  });

  it('passes on what btrfs says when a command fails, and explains a missing btrfs', async () => {
    const fs = layout();
    const denied = new FakeRunner((argv) => (argv[2] === 'snapshot' ? { code: 1, stderr: "ERROR: cannot snapshot '/srv/pool/data': Permission denied\n" } : btrfsFor(fs).respond(argv)));
    const e1 = await provider(fs, denied).p.create('/srv/pool/data/docs', { sessionId: 's' }).then(() => undefined, (e: Error) => e);
    expect(e1?.message).to.equal(`btrfs subvolume snapshot -r /srv/pool/data ${SNAPDIR}/robocurse-20300102T030405678Z-abcd failed (exit 1): ERROR: cannot snapshot '/srv/pool/data': Permission denied`);
    const missing = new FakeRunner(() => ({ code: null, spawnError: Object.assign(new Error('spawn btrfs ENOENT'), { code: 'ENOENT' }) }));
    const e2 = await provider(fs, missing).p.create('/srv/pool/data/docs', { sessionId: 's' }).then(() => undefined, (e: Error) => e);
    expect(e2?.message).to.equal("'btrfs' not found: install btrfs-progs (or set the btrfs plugin option btrfsPath)");
  });

  it('deletes only robocurse subvolumes, and a snapshot already gone is not an error', async () => {
    const fs = layout().add(SNAPDIR, 400).add(`${SNAPDIR}/${NAME}`, 256).add(`${SNAPDIR}/robocurse-plain-dir`, 500).add('/srv/pool/data/manual', 256);
    const runner = btrfsFor(fs);
    const { p } = provider(fs, runner);
    await p.delete(`${SNAPDIR}/${NAME}`);
    await p.delete(`${SNAPDIR}/${NAME}`);
    expect(runner.lines()).to.deep.equal([`btrfs subvolume delete ${SNAPDIR}/${NAME}`]);
    const msg = (id: string) => p.delete(id).then(() => '', (e: Error) => e.message);
    expect(await msg('/srv/pool/data/manual')).to.equal('refusing to delete /srv/pool/data/manual: not a snapshot robocurse made (names start with robocurse-)');
    expect(await msg(`${SNAPDIR}/robocurse-plain-dir`)).to.equal(`refusing to delete ${SNAPDIR}/robocurse-plain-dir: it is not a btrfs subvolume`);
    expect(await msg('robocurse-relative')).to.match(/^refusing to delete robocurse-relative/);
    expect(runner.calls).to.have.length(1);
  });

  it('lists only robocurse subvolumes in the snapshot folder of the source, mapped to the source', async () => {
    const fs = layout().add(SNAPDIR, 400).add(`${SNAPDIR}/${NAME}`, 256).add(`${SNAPDIR}/robocurse-plain-dir`, 500).add(`${SNAPDIR}/hourly-1`, 256);
    const { p } = provider(fs, btrfsFor(fs));
    expect(await p.list('/srv/pool/data/docs')).to.deep.equal([{
      id: `${SNAPDIR}/${NAME}`, provider: 'btrfs', sourcePath: '/srv/pool/data/docs', snapshotPath: `${SNAPDIR}/${NAME}/docs`, createdAt: NOW.toISOString(),
    }]);
    expect(await provider(layout(), btrfsFor(layout())).p.list('/srv/pool/data/docs')).to.deep.equal([]);
  });

  it('lists robocurse snapshots on every btrfs mount when no source is given', async () => {
    const fs = layout().add(SNAPDIR, 400).add(`${SNAPDIR}/${NAME}`, 256).add('/media', 20, EXT4).add('/media/d', 256).add(`/media/d/.robocurse-snapshots`, 600).add(`/media/d/.robocurse-snapshots/${NAME}`, 256);
    fs.mountList = [
      { device: '0:38', root: '/', mountPoint: '/srv/pool', fsType: 'btrfs' },
      { device: '0:38', root: '/data', mountPoint: '/media/d', fsType: 'btrfs' },
      { device: '8:1', root: '/', mountPoint: '/', fsType: 'ext4' },
    ];
    const runner = new FakeRunner(() => ({ stdout: `ID 256 gen 1 top level 5 path data\nID 260 gen 2 top level 256 path <FS_TREE>/data/.robocurse-snapshots/${NAME}\nID 261 gen 2 top level 256 path data/.robocurse-snapshots/manual\n` }));
    const list = await provider(fs, runner).p.list();
    expect(list.map((s) => s.id)).to.deep.equal([`${SNAPDIR}/${NAME}`]); // the same subvolume through the second mount is not listed twice
    expect(runner.lines()).to.deep.equal(['btrfs subvolume list -a /srv/pool', 'btrfs subvolume list -a /media/d']);
  });
});

describe('btrfs helpers', () => {
  it('names snapshots sortably and reads the time back', () => {
    const n = snapshotName('robocurse:my docs:keep-source', NOW, 'ff00');
    expect(n).to.equal('robocurse-20300102T030405678Z-my_docs.keep-source-ff00');
    expect(createdAtFromName(n)).to.equal(NOW.toISOString());
    expect(createdAtFromName('hourly-2030')).to.equal(undefined);
  });

  it('parses subvolume lists and mountinfo (escaped mount points)', () => {
    expect(parseList('ID 256 gen 13 top level 5 path <FS_TREE>/data\nID 259 gen 12 top level 256 path data/.snap/with space\n'))
      .to.deep.equal([{ id: 256, path: 'data' }, { id: 259, path: 'data/.snap/with space' }]);
    expect(parseMountInfo('43 26 0:38 /data /mnt/my\\040disk rw,relatime - btrfs /dev/loop0 rw,subvol=/data\n29 1 8:1 / / rw - ext4 /dev/sda1 rw\n'))
      .to.deep.equal([{ device: '0:38', root: '/data', mountPoint: '/mnt/my disk', fsType: 'btrfs' }, { device: '8:1', root: '/', mountPoint: '/', fsType: 'ext4' }]);
  });
});
