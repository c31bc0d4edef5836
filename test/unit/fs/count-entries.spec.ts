import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { countEntriesBelow } from '../../../src/fs/count-entries';
import { decodeName } from '../../../src/fs/byte-names';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

describe('countEntriesBelow', () => {
  let root: string;
  beforeEach(() => { root = tempDir('robocurse-count-'); });
  afterEach(() => removeTemp(root));

  it('counts files, directories and links below a directory, never following links', () => {
    makeTree(root, { a: { 'f.txt': 'f', b: { 'g.txt': 'g', c: {} } }, 'top.txt': 't', link: { symlink: '/usr' } });
    return countEntriesBelow(root).then((n) => expect(n).to.equal(7));
  });

  it('files-only counts the non-directories directly inside', async () => {
    makeTree(root, { a: { 'f.txt': 'f' }, 'top.txt': 't', 'two.txt': '2', link: { symlink: 'a' } });
    expect(await countEntriesBelow(root, { filesOnly: true })).to.equal(3);
  });

  it('a missing directory holds nothing', async () => {
    expect(await countEntriesBelow(path.join(root, 'absent'))).to.equal(0);
  });

  it('reaches below a directory whose name is not valid UTF-8', async () => {
    const bad = Buffer.concat([Buffer.from(`${root}/`), Buffer.from([0x66, 0xff, 0x6f])]);
    fs.mkdirSync(bad);
    fs.writeFileSync(Buffer.concat([bad, Buffer.from('/inner.txt')]), 'x');
    expect(await countEntriesBelow(root)).to.equal(2);
    expect(await countEntriesBelow(path.join(root, decodeName(Buffer.from([0x66, 0xff, 0x6f]))))).to.equal(1);
  });

  it('wide and deep trees are counted exactly', async () => {
    const spec: Record<string, unknown> = {};
    for (let i = 0; i < 50; i++) spec[`d${i}`] = { 'x.txt': 'x', deep: { 'y.txt': 'y' } };
    makeTree(root, spec as never);
    expect(await countEntriesBelow(root)).to.equal(50 * 4);
  });
});
