import { expect } from 'chai';
import { TOKENS, type Chunker, type Scanner } from '../../../src/api';
import { createContainer } from '../../../src/di/container';
import { CopierRegistry } from '../../../src/engines/copier-registry';
import { SimulatedCopier } from '../../../src/engines/simulated';

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

  it('lets tests override any part', () => {
    const fake = new SimulatedCopier();
    const c = createContainer((ct) => ct.registerInstance(TOKENS.CopierRegistry, new CopierRegistry({ native: () => fake })));
    expect(c.resolve<CopierRegistry>(TOKENS.CopierRegistry).get('native')).to.equal(fake);
    // Containers are independent: an override never leaks into another.
    expect(createContainer().resolve<CopierRegistry>(TOKENS.CopierRegistry).get('native')).to.not.equal(fake);
  });
});
