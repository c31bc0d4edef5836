import { expect } from 'chai';
import { deleteLimitFor, describeMaxDeletes, parseMaxDeletes } from '../../../src/config/max-deletes';

describe('maxDeletes values', () => {
  it('accepts a whole count >= 0 and a percentage 0-100', () => {
    expect(parseMaxDeletes(0)).to.deep.equal({ count: 0 });
    expect(parseMaxDeletes(500)).to.deep.equal({ count: 500 });
    expect(parseMaxDeletes('5%')).to.deep.equal({ percent: 5 });
    expect(parseMaxDeletes(' 0.5 % ')).to.deep.equal({ percent: 0.5 });
    expect(parseMaxDeletes('100%')).to.deep.equal({ percent: 100 });
  });

  it('refuses anything else', () => {
    for (const bad of [-1, 1.5, Number.NaN, '5', '150%', '-5%', '5%%', 'five percent', '', null, true, {}, [5]]) {
      expect(parseMaxDeletes(bad), JSON.stringify(bad)).to.equal(undefined);
    }
  });

  it('a percentage rounds down: the limit is a promise never to delete more', () => {
    expect(deleteLimitFor({ percent: 5 }, 10)).to.equal(0);
    expect(deleteLimitFor({ percent: 5 }, 39)).to.equal(1);
    expect(deleteLimitFor({ percent: 5 }, 40)).to.equal(2);
    expect(deleteLimitFor({ percent: 100 }, 7)).to.equal(7);
    expect(deleteLimitFor({ count: 3 }, 1_000_000)).to.equal(3);
  });

  it('is described as the user wrote it', () => {
    expect(describeMaxDeletes({ count: 3 })).to.equal('3');
    expect(describeMaxDeletes({ percent: 2.5 })).to.equal('"2.5%"');
  });
});
