import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createScanner } from '../../../src/scan';
import { HardLinkCollector } from '../../../src/scan/hard-link-groups';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

describe('hard-link groups', () => {
  it('groups names by inode, drops inodes with one name in the tree, sorts names and groups', () => {
    const c = new HardLinkCollector();
    c.add('1:10', 'b/x'); c.add('1:11', 'only'); c.add('1:10', 'a/y'); c.add('1:12', 'z'); c.add('1:12', 'c');
    expect(c.groups()).to.deep.equal([{ paths: ['a/y', 'b/x'] }, { paths: ['c', 'z'] }]);
  });

  it('the scan records them (excluded names left out) and nothing for a tree without hard links', async () => {
    const root = tempDir('robocurse-hl-scan-');
    const scanner = createScanner({ threads: 2 });
    try {
      makeTree(root, { a: { f: 'data', skip: {} }, b: {}, plain: 'p', 'x.tmp': 't' });
      fs.linkSync(path.join(root, 'a', 'f'), path.join(root, 'b', 'g'));
      fs.linkSync(path.join(root, 'a', 'f'), path.join(root, 'x.tmp2'));
      fs.linkSync(path.join(root, 'plain'), path.join(root, 'a', 'skip', 'p2'));
      const tree = await scanner.scan(root, { excludes: { excludeFiles: ['x.tmp2'], excludeDirs: ['skip'], caseInsensitive: false } });
      expect(tree.hardLinks).to.deep.equal([{ paths: ['a/f', 'b/g'] }]);
      fs.rmSync(path.join(root, 'b', 'g'));
      fs.rmSync(path.join(root, 'x.tmp2'));
      fs.rmSync(path.join(root, 'a', 'skip', 'p2'));
      const none = await scanner.scan(root, { excludes: { excludeFiles: [], excludeDirs: [], caseInsensitive: false } });
      expect(none.hardLinks).to.equal(undefined);
    } finally {
      await scanner.close();
      removeTemp(root);
    }
  });
});
