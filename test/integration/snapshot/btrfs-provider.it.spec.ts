import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { plugins, type BtrfsOptions } from '../../../plugins/btrfs';
import type { SnapshotProvider } from '../../../src/api';
import { mountBtrfsLoop, type BtrfsLoop } from '../../helpers/btrfs-loop';
import { makeTree, readTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { recordingLogger } from '../../helpers/recording-logger';

async function realProvider(options: Partial<BtrfsOptions> = {}): Promise<SnapshotProvider> {
  return plugins[0].create({ options: options as BtrfsOptions, logger: recordingLogger(), signal: new AbortController().signal, configDir: '/' }) as SnapshotProvider;
}

describe('btrfs snapshot provider on a real btrfs filesystem', function () {
  this.timeout(60_000);
  let loop: BtrfsLoop;
  before(() => { loop = mountBtrfsLoop(); });
  after(() => loop?.dispose());

  it('makes a read-only point-in-time view of a directory inside a subvolume, lists it, deletes it', async () => {
    const src = path.join(loop.subvolume, 'shares', 'docs');
    makeTree(src, { 'a.txt': 'one', sub: { 'b.bin': 4096 } });
    const p = await realProvider();
    const info = await p.create(src, { sessionId: 's1', label: 'robocurse:docs' });
    expect(info.snapshotPath).to.equal(path.join(info.id, 'shares', 'docs'));
    expect(path.dirname(info.id)).to.equal(path.join(loop.subvolume, '.robocurse-snapshots'));

    fs.writeFileSync(path.join(src, 'a.txt'), 'changed');
    fs.writeFileSync(path.join(src, 'new.txt'), 'new');
    const seen = readTree(info.snapshotPath);
    expect([...seen.keys()]).to.deep.equal(['a.txt', 'sub', 'sub/b.bin']);
    expect(seen.get('a.txt')!.content!.toString()).to.equal('one');
    expect(() => fs.writeFileSync(path.join(info.snapshotPath, 'x'), 'x')).to.throw(/EROFS/);

    expect((await p.list(src)).map((s) => s.id)).to.deep.equal([info.id]);
    expect((await p.list()).map((s) => s.id)).to.deep.equal([info.id]);
    await p.delete(info.id);
    await p.delete(info.id);
    expect(fs.existsSync(info.id)).to.equal(false);
    expect(await p.list(src)).to.deep.equal([]);
    expect(loop.subvolumes().filter((s) => s.includes('robocurse-'))).to.deep.equal([]);
  });

  it('a snapshot of a whole subvolume does not contain its own snapshot folder, and is read-only', async () => {
    makeTree(loop.subvolume, { 'top.txt': 'top' });
    const p = await realProvider();
    const first = await p.create(loop.subvolume, { sessionId: 's1', label: 'robocurse:all:keep-source' });
    const second = await p.create(loop.subvolume, { sessionId: 's1', label: 'robocurse:all' });
    expect(fs.readdirSync(second.snapshotPath)).to.not.include('.robocurse-snapshots');
    expect(fs.readdirSync(loop.subvolume)).to.include('.robocurse-snapshots');
    expect(() => fs.writeFileSync(path.join(second.snapshotPath, 'x'), 'x')).to.throw(/EROFS/);
    await p.delete(second.id);
    await p.delete(first.id);
    expect(loop.subvolumes().filter((s) => s.includes('robocurse-'))).to.deep.equal([]);
  });

  it('refuses a source outside btrfs, naming the path and the filesystem found', async () => {
    const dir = tempDir();
    try {
      const p = await realProvider();
      const err = await p.create(dir, { sessionId: 's' }).then(() => undefined, (e: Error) => e);
      expect(err?.message).to.match(new RegExp(`^cannot snapshot ${dir}: it is not on a btrfs filesystem \\(found [^)]+\\)`));
    } finally { removeTemp(dir); }
  });

  it('refuses a source with a nested subvolume and never deletes a subvolume it did not make', async () => {
    const nested = path.join(loop.subvolume, 'proj', 'vm-images');
    fs.mkdirSync(path.dirname(nested), { recursive: true });
    const { spawnSync } = await import('node:child_process');
    expect(spawnSync('btrfs', ['subvolume', 'create', nested]).status).to.equal(0);
    try {
      const p = await realProvider();
      const err = await p.create(path.join(loop.subvolume, 'proj'), { sessionId: 's' }).then(() => undefined, (e: Error) => e);
      expect(err?.message).to.contain(`contains nested btrfs subvolumes that a snapshot of ${loop.subvolume} does not include`);
      expect(err?.message).to.contain(nested);
      const refused = await p.delete(nested).then(() => undefined, (e: Error) => e);
      expect(refused?.message).to.match(/not a snapshot robocurse made/);
      expect(fs.existsSync(nested)).to.equal(true);
    } finally {
      spawnSync('btrfs', ['subvolume', 'delete', nested]);
    }
  });
});
