import { expect } from 'chai';
import type { DirTree, ScanOptions } from '../../../src/api';
import { PrefetchScanner } from '../../../src/scan/prefetch-scanner';

/** A scan the test settles by hand, and what it was asked with. */
interface Asked { root: string; options: ScanOptions; resolve(t: DirTree): void; reject(e: unknown): void }

/** An inner scanner that records each scan and lets the test settle it. */
class ManualScanner {
  readonly asked: Asked[] = [];
  closed = 0;
  scan(root: string, options: ScanOptions): Promise<DirTree> {
    return new Promise<DirTree>((resolve, reject) => {
      this.asked.push({ root, options, resolve, reject });
      options.signal?.addEventListener('abort', () => reject(options.signal!.reason), { once: true });
    });
  }
  async close(): Promise<void> { this.closed++; }
}

/** The rejection's message, or a failure when it resolved. */
async function rejection(p: Promise<unknown>): Promise<string> {
  return p.then(() => expect.fail('resolved, expected a rejection'), (e: unknown) => (e as Error).message);
}

const tree = (name: string): DirTree => ({ name } as unknown as DirTree);
const opts = (extra: Partial<ScanOptions> = {}): ScanOptions => ({ excludes: { excludeFiles: ['*.tmp'], excludeDirs: [], caseInsensitive: false }, ...extra });

describe('PrefetchScanner: a scan started before it is asked for', () => {
  let inner: ManualScanner;
  let s: PrefetchScanner;
  let taken: Array<[string, number]>;
  beforeEach(() => {
    inner = new ManualScanner();
    taken = [];
    s = new PrefetchScanner(inner, (root, aheadMs) => taken.push([root, aheadMs]));
  });

  it('gives the first scan of the same root and options the prefetched one (one scan made)', async () => {
    s.prefetch('/src', opts({ digest: { modes: true, owners: false } }));
    const got = s.scan('/src', { ...opts({ digest: { modes: true, owners: false } }), signal: new AbortController().signal });
    inner.asked[0].resolve(tree('early'));
    expect(await got).to.deep.equal(tree('early'));
    expect(inner.asked).to.have.length(1);
    expect(taken.map(([r]) => r)).to.deep.equal(['/src']);
    expect(taken[0][1]).to.be.at.least(0);
  });

  it('scans anew for another root or other options, and keeps the prefetched scan for its own request', async () => {
    s.prefetch('/src', opts());
    const other = s.scan('/other', opts());
    const otherOptions = s.scan('/src', opts({ excludes: { excludeFiles: [], excludeDirs: [], caseInsensitive: false } }));
    expect(inner.asked.map((a) => a.root)).to.deep.equal(['/src', '/other', '/src']);
    inner.asked[1].resolve(tree('other'));
    inner.asked[2].resolve(tree('other options'));
    expect(await other).to.deep.equal(tree('other'));
    expect(await otherOptions).to.deep.equal(tree('other options'));
    const mine = s.scan('/src', opts());
    inner.asked[0].resolve(tree('early'));
    expect(await mine).to.deep.equal(tree('early'));
    expect(inner.asked).to.have.length(3);
  });

  it('is taken once: a second request for the same scan is a new scan', async () => {
    s.prefetch('/src', opts());
    void s.scan('/src', opts());
    void s.scan('/src', opts());
    expect(inner.asked).to.have.length(2);
    expect(taken).to.have.length(1);
  });

  it("aborts the prefetched scan when the taker's signal aborts (also one aborted before it was taken)", async () => {
    s.prefetch('/src', opts());
    const ac = new AbortController();
    const got = s.scan('/src', { ...opts(), signal: ac.signal });
    ac.abort(new Error('stop'));
    expect(await rejection(got)).to.equal('stop');
    expect(inner.asked[0].options.signal!.aborted).to.equal(true);

    s.prefetch('/src', opts());
    const gone = new AbortController();
    gone.abort(new Error('stopped already'));
    expect(await rejection(s.scan('/src', { ...opts(), signal: gone.signal }))).to.equal('stopped already');
    expect(inner.asked).to.have.length(2); // not scanned again after the abort
  });

  it('scans again when the prefetched scan failed (the source was not readable then)', async () => {
    s.prefetch('/src', opts());
    inner.asked[0].reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }));
    const got = s.scan('/src', opts());
    await new Promise((r) => setImmediate(r));
    expect(inner.asked).to.have.length(2);
    inner.asked[1].resolve(tree('later'));
    expect(await got).to.deep.equal(tree('later'));
  });

  it('close() aborts a prefetched scan nobody took, without an unhandled rejection, then closes the inner scanner', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => { unhandled.push(e); };
    process.on('unhandledRejection', onUnhandled);
    try {
      s.prefetch('/src', opts());
      await s.close();
      expect(inner.asked[0].options.signal!.aborted).to.equal(true);
      expect(inner.closed).to.equal(1);
      await new Promise((r) => setImmediate(r));
      expect(unhandled).to.deep.equal([]);
      // A scan asked for after close goes to the inner scanner (which makes a new pool).
      void s.scan('/src', opts());
      expect(inner.asked).to.have.length(2);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a second prefetch replaces the first, which is aborted', () => {
    s.prefetch('/a', opts());
    s.prefetch('/b', opts());
    expect(inner.asked[0].options.signal!.aborted).to.equal(true);
    expect(inner.asked[1].options.signal!.aborted).to.equal(false);
  });
});
