import { expect } from 'chai';
import type { Deletion, FileAction } from '../../../src/api';
import { decodeName } from '../../../src/fs/byte-names';
import { RemoteFilesCollector, replayRemoteFiles } from '../../../src/scaleout/file-report';

const odd = decodeName(Buffer.from([0x6e, 0xe9, 0x2e, 0x74])); // Latin-1 "né.t": not UTF-8

/** What the coordinator's callbacks receive after the reports went through JSON (Redis). */
function replayed(c: RemoteFilesCollector): { actions: FileAction[]; deletions: Deletion[]; omitted: number } {
  const actions: FileAction[] = [];
  const deletions: Deletion[] = [];
  const omitted = replayRemoteFiles(JSON.parse(JSON.stringify(c.report())), { onFileAction: (a) => actions.push(a), onDeletion: (d) => deletions.push(d) });
  return { actions, deletions, omitted };
}

describe('scaleout/per-file reports of a remote attempt', () => {
  it('come back through JSON as the engine reported them, non-UTF-8 names and errors intact, in order', () => {
    const c = new RemoteFilesCollector();
    const sent: FileAction[] = [
      { action: 'new', relPath: `d/${odd}`, size: 12 },
      { action: 'fail', relPath: 'locked.db', error: `32: in use (${odd})` },
      { action: 'skip', relPath: 'old.txt', error: 'excluded by age' },
      { action: 'update', relPath: 'u.txt', size: 0 },
    ];
    sent.forEach(c.onFileAction);
    c.onDeletion({ relPath: `gone/${odd}`, isDir: true, entries: 3 });
    c.onDeletion({ relPath: 'x.tmp', isDir: false, entries: 1 });
    const r = replayed(c);
    expect(r.actions).to.deep.equal(sent);
    expect(r.deletions).to.deep.equal([{ relPath: `gone/${odd}`, isDir: true, entries: 3 }, { relPath: 'x.tmp', isDir: false, entries: 1 }]);
    expect(r.omitted).to.equal(0);
  });

  it('keeps copied files up to the cap and counts the rest, but every failure and deletion', () => {
    const c = new RemoteFilesCollector(2);
    for (let i = 0; i < 5; i++) c.onFileAction({ action: 'new', relPath: `f${i}` });
    for (let i = 0; i < 4; i++) c.onFileAction({ action: 'fail', relPath: `bad${i}`, error: 'EIO' });
    for (let i = 0; i < 3; i++) c.onDeletion({ relPath: `del${i}`, isDir: false, entries: 1 });
    const r = replayed(c);
    expect(r.actions.map((a) => a.relPath)).to.deep.equal(['f0', 'f1', 'bad0', 'bad1', 'bad2', 'bad3']);
    expect(r.deletions).to.have.length(3);
    expect(r.omitted).to.equal(3);
  });

  it('ignores what is not such a report (an older worker, a damaged return value)', () => {
    const calls: unknown[] = [];
    const cb = { onFileAction: (a: FileAction) => calls.push(a), onDeletion: (d: Deletion) => calls.push(d) };
    for (const junk of [undefined, null, 'x', { actions: 'no' }, { actions: [['rm -rf', 'x']], deletions: [], omitted: 0 }]) {
      expect(replayRemoteFiles(junk, cb)).to.equal(0);
    }
    expect(calls).to.deep.equal([]);
  });
});
