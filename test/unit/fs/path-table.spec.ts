import { expect } from 'chai';
import { decodeName } from '../../../src/fs/byte-names';
import { buildPathTable, lookupPath, PathTableBuilder } from '../../../src/fs/unchanged-table';

/**
 * The path tables of src/fs/unchanged-table.ts (the unchanged subtrees, the index of the kept
 * listings): a builder that hashes each relPath as it is added, and one table at the end.
 */
describe('path tables (unchanged-table.ts)', () => {
  const paths = Array.from({ length: 1000 }, (_, i) => `d${i % 7}/sub ${i}/${'x'.repeat(i % 13)}`);

  it('finds every one of 1,000 paths added one by one (past several growths), with its two numbers, and no other', () => {
    const b = new PathTableBuilder();
    paths.forEach((p, i) => b.add(p, i * 10, i + 0.5));
    expect(b.size).to.equal(1000);
    const t = b.build();
    expect(t.count).to.equal(1000);
    paths.forEach((p, i) => expect(lookupPath(t, p), p).to.deep.equal([i * 10, i + 0.5]));
    for (const missing of ['', 'd0', 'd0/sub 0/x', 'D0/sub 0/']) expect(lookupPath(t, missing), missing).to.equal(undefined);
  });

  it('builds the same table (byte for byte) as buildPathTable given the entries at once', () => {
    const b = new PathTableBuilder();
    paths.forEach((p, i) => b.add(p, i, -i));
    const once = buildPathTable(paths.map((p, i) => [p, i, -i] as const));
    expect(Buffer.from(b.build().buffer).equals(Buffer.from(once.buffer))).to.equal(true);
  });

  it('keys a name that is not UTF-8 by its own bytes, apart from the name its replacement character would give', () => {
    const odd = decodeName(Buffer.from([0x64, 0x2f, 0xff, 0x61])); // "d/" then a lone 0xff byte, "a"
    const t = buildPathTable([[odd, 1, 2], ['d/\ufffda', 3, 4]]);
    expect(lookupPath(t, odd)).to.deep.equal([1, 2]);
    expect(lookupPath(t, 'd/\ufffda')).to.deep.equal([3, 4]);
  });

  it('an empty builder makes an empty table in which nothing is found', () => {
    const t = new PathTableBuilder().build();
    expect(t.count).to.equal(0);
    expect(lookupPath(t, 'a')).to.equal(undefined);
  });
});
