import { expect } from 'chai';
import { TOKENS, type Chunker, type Scanner } from '../../../src/api';
import { createContainer } from '../../../src/di/container';
import * as path from 'node:path';
import { CopierRegistry } from '../../../src/engines/copier-registry';
import { Robocurse } from '../../../src/library/robocurse';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

describe('composition root', () => {
  it('resolves the scanner, chunker and engine registry by token, one instance each', async () => {
    const c = createContainer();
    const scanner = c.resolve<Scanner & { close(): Promise<void> }>(TOKENS.Scanner);
    expect(c.resolve(TOKENS.Scanner)).to.equal(scanner);
    expect(typeof c.resolve<Chunker>(TOKENS.Chunker).plan).to.equal('function');
    const registry = c.resolve<CopierRegistry>(TOKENS.CopierRegistry);
    expect(registry.names()).to.include.members(['native', 'rsync', 'robocopy', 'simulated']);
    expect(registry.get('native').name).to.equal('native');
    expect(() => registry.get('teleport')).to.throw(/unknown engine 'teleport'/);
    await scanner.close();
    await registry.closeAll();
  });

  it('an override registered under a token is what the run is built with (not just what resolve() returns)', async () => {
    const dir = tempDir();
    try {
      makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'x' }, b: { 'g.txt': 'y' } });
      const planned: string[] = [];
      // A chunker that cuts nothing: the whole tree as one chunk, and says it was asked.
      const chunker: Chunker = {
        plan: (tree, _policy, target) => {
          planned.push(target.profile);
          return [{ id: 'whole', profile: target.profile, kind: 'tree', relPath: '', sourcePath: tree.root, destinationPath: target.destinationRoot, depth: 0, estimatedFiles: tree.rootNode.totalFiles, estimatedBytes: tree.rootNode.totalBytes }];
        },
      };
      const rc = await Robocurse.load({ version: 1, profiles: { docs: { source: 'src', destination: 'dst', chunking: { maxChunkFiles: 1 } } } },
        { baseDir: dir, overrides: { container: (ct) => ct.registerInstance(TOKENS.Chunker, chunker) } });
      const [plan] = await rc.plan();
      expect(planned).to.deep.equal(['docs']);
      expect(plan.chunks.map((c) => c.id)).to.deep.equal(['whole']);
      // Containers are independent: the override never leaks into another.
      const real = createContainer().resolve<Chunker>(TOKENS.Chunker);
      expect(real).to.not.equal(chunker);
      expect(typeof real.plan).to.equal('function');
    } finally {
      removeTemp(dir);
    }
  });
});
