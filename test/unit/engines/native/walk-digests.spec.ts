import { expect } from 'chai';
import type { DigestTable } from '../../../../src/api';
import { KEEP } from '../../../../src/engines/native/keep-flags';
import { DIGEST_MAX_AGE_MS, digestsFor } from '../../../../src/engines/native/walk-digests';

describe('native engine: when a walk may take the scan\'s digests', () => {
  const table = (fields = { modes: true, owners: true }): DigestTable => ({ buffer: new SharedArrayBuffer(0), count: 0, fields, takenAt: 1_000_000 });
  const job = { keep: KEEP.modes | KEEP.owners, destinationCaseInsensitive: false };

  it('takes fresh digests with every field the job keeps', () => {
    expect(digestsFor(table(), job, 1_000_000 + DIGEST_MAX_AGE_MS).digests).to.not.equal(undefined);
    expect(digestsFor(table({ modes: true, owners: true }), { ...job, keep: 0 }, 1_000_000).digests).to.not.equal(undefined);
  });

  it('lists the source instead once the scan is older than the limit', () => {
    expect(digestsFor(table(), job, 1_000_001 + DIGEST_MAX_AGE_MS)).to.deep.equal({});
  });

  it('lists the source when the digests lack a field the job keeps', () => {
    expect(digestsFor(table({ modes: false, owners: true }), job, 1_000_000)).to.deep.equal({});
    expect(digestsFor(table({ modes: true, owners: false }), job, 1_000_000)).to.deep.equal({});
    expect(digestsFor(table({ modes: true, owners: false }), { ...job, keep: KEEP.modes }, 1_000_000).digests).to.not.equal(undefined);
  });

  it('lists the source for a case-insensitive destination, a size or age filter, or no digests', () => {
    expect(digestsFor(table(), { ...job, destinationCaseInsensitive: true }, 1_000_000)).to.deep.equal({});
    expect(digestsFor(table(), { ...job, sizeAge: { maxSize: 10 } }, 1_000_000)).to.deep.equal({});
    expect(digestsFor(undefined, job, 1_000_000)).to.deep.equal({});
  });
});
