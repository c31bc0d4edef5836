import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SnapshotProvider } from '../api';
import { makeTree, readTree } from './trees';

/** What a snapshot provider's contract run needs; built fresh for each test. */
export interface SnapshotProviderUnderTest {
  provider: SnapshotProvider;
  /** An empty directory the provider can snapshot (on its file system), to be filled by the tests. */
  source: string;
  /** A path the provider cannot snapshot (wrong file system, no such path): create must reject. */
  unsupported: string;
  cleanup?: () => Promise<void>;
}

/**
 * The snapshot provider conformance suite. A provider is done when this passes for it on a file
 * system where it really snapshots (nothing faked: a snapshot's content is read from the disk):
 *
 *   runSnapshotContract('btrfs', async () => ({ provider, source, unsupported, cleanup }));
 */
export function runSnapshotContract(name: string, setup: () => Promise<SnapshotProviderUnderTest>): void {
  describe(`SnapshotProvider contract: ${name}`, function () {
    this.timeout(60_000);
    let sut: SnapshotProviderUnderTest;
    const made: string[] = [];
    beforeEach(async () => { sut = await setup(); made.length = 0; });
    afterEach(async () => {
      // A failed test must not leave snapshots behind for the next one to list.
      for (const id of made) await sut.provider.delete(id).catch(() => undefined);
      await sut?.cleanup?.();
    });
    const create = async (label?: string): Promise<Awaited<ReturnType<SnapshotProvider['create']>>> => {
      const info = await sut.provider.create(sut.source, { sessionId: 'contract-session', label });
      made.push(info.id);
      return info;
    };

    it('has a non-empty name, and create() describes the snapshot it made', async () => {
      expect(sut.provider.name).to.be.a('string').and.not.equal('');
      makeTree(sut.source, { 'a.txt': 'alpha' });
      const info = await create('robocurse:contract');
      expect(info.id).to.be.a('string').and.not.equal('');
      expect(info.provider).to.equal(sut.provider.name);
      expect(info.sourcePath).to.equal(sut.source);
      expect(info.snapshotPath).to.be.a('string').and.not.equal(sut.source);
      expect(Number.isNaN(Date.parse(info.createdAt)), `createdAt ${info.createdAt}`).to.equal(false);
    });

    it('the snapshot shows the source as it was at create(), whatever changes afterwards', async () => {
      makeTree(sut.source, { 'a.txt': 'alpha', sub: { 'b.bin': 5000, 'gone.txt': 'g' } });
      const info = await create();
      fs.writeFileSync(path.join(sut.source, 'a.txt'), 'changed afterwards');
      fs.writeFileSync(path.join(sut.source, 'new.txt'), 'new');
      fs.rmSync(path.join(sut.source, 'sub', 'gone.txt'));
      const seen = readTree(info.snapshotPath);
      expect([...seen.keys()]).to.deep.equal(['a.txt', 'sub', 'sub/b.bin', 'sub/gone.txt']);
      expect(seen.get('a.txt')!.content!.toString()).to.equal('alpha');
    });

    it('the snapshot is read-only (also for root)', async () => {
      makeTree(sut.source, { 'a.txt': 'alpha' });
      const info = await create();
      expect(() => fs.writeFileSync(path.join(info.snapshotPath, 'a.txt'), 'x')).to.throw();
      expect(() => fs.writeFileSync(path.join(info.snapshotPath, 'new.txt'), 'x')).to.throw();
      expect(fs.readFileSync(path.join(info.snapshotPath, 'a.txt'), 'utf8')).to.equal('alpha');
    });

    it('list() shows each snapshot by source; delete() removes one and leaves the other', async () => {
      makeTree(sut.source, { 'a.txt': 'alpha' });
      const first = await create();
      const second = await create();
      expect(second.id).to.not.equal(first.id);
      expect((await sut.provider.list(sut.source)).map((s) => s.id).sort()).to.deep.equal([first.id, second.id].sort());
      expect((await sut.provider.list()).map((s) => s.id)).to.include.members([first.id, second.id]);
      await sut.provider.delete(first.id);
      expect((await sut.provider.list(sut.source)).map((s) => s.id)).to.deep.equal([second.id]);
      expect(fs.existsSync(first.snapshotPath), 'a deleted snapshot\'s path').to.equal(false);
      expect(fs.readFileSync(path.join(second.snapshotPath, 'a.txt'), 'utf8')).to.equal('alpha');
    });

    it('delete() is idempotent: a snapshot already gone resolves', async () => {
      makeTree(sut.source, { 'a.txt': 'alpha' });
      const info = await create();
      await sut.provider.delete(info.id);
      await sut.provider.delete(info.id);
      expect((await sut.provider.list(sut.source)).map((s) => s.id)).to.deep.equal([]);
    });

    it('create() on a path it cannot snapshot rejects with a message naming the path', async () => {
      const err = await sut.provider.create(sut.unsupported, { sessionId: 'contract-session' }).then(
        (info) => { made.push(info.id); return undefined; }, (e: unknown) => e as Error);
      expect(err, 'create() resolved for a path it cannot snapshot').to.be.instanceOf(Error);
      expect(err!.message).to.contain(sut.unsupported);
    });
  });
}
