import { expect } from 'chai';
import fc from 'fast-check';
import type { Chunk } from '../../../src/api';
import { ChunkQueue, type QueuedChunk } from '../../../src/orchestrator/chunk-queue';

const chunk = (id: string): Chunk => ({ id, kind: 'tree' } as unknown as Chunk);
const item = (id: string, notBefore = 0, retryCount = 0): QueuedChunk => ({ chunk: chunk(id), retryCount, notBefore });

describe('ChunkQueue', () => {
  it('hands out ready chunks first in, first out', () => {
    const q = new ChunkQueue();
    for (const id of ['a', 'b', 'c']) q.enqueue(item(id), 0);
    expect([q.dequeue(0), q.dequeue(0), q.dequeue(0)].map((x) => x?.chunk.id)).to.deep.equal(['a', 'b', 'c']);
    expect(q.dequeue(0)).to.equal(undefined);
    expect(q.size).to.equal(0);
  });

  it('holds a retry until its backoff has passed, then puts it behind the chunks already ready', () => {
    const q = new ChunkQueue();
    q.enqueue(item('retry', 1000, 1), 0);
    q.enqueue(item('x'), 0);
    expect(q.size).to.equal(2);
    expect(q.waitingCount).to.equal(1);
    expect(q.nextReleaseAt()).to.equal(1000);
    expect(q.dequeue(999)?.chunk.id).to.equal('x');
    expect(q.dequeue(999)).to.equal(undefined);
    q.enqueue(item('y'), 999);
    expect(q.dequeue(1000)?.chunk.id).to.equal('y');
    expect(q.dequeue(1000)?.chunk.id).to.equal('retry');
    expect(q.nextReleaseAt()).to.equal(undefined);
  });

  it('releases waiting retries in order of their release time, not of their arrival', () => {
    const q = new ChunkQueue();
    q.enqueue(item('late', 300), 0);
    q.enqueue(item('early', 100), 0);
    q.enqueue(item('mid', 200), 0);
    expect([q.dequeue(400), q.dequeue(400), q.dequeue(400)].map((x) => x?.chunk.id)).to.deep.equal(['early', 'mid', 'late']);
  });

  it('has, items and clear see ready and waiting chunks alike', () => {
    const q = new ChunkQueue();
    q.enqueue(item('r'), 0);
    q.enqueue(item('w', 50), 0);
    expect(q.has('r')).to.equal(true);
    expect(q.has('w')).to.equal(true);
    expect(q.has('z')).to.equal(false);
    expect(q.items().map((x) => x.chunk.id).sort()).to.deep.equal(['r', 'w']);
    expect(q.clear().map((x) => x.chunk.id).sort()).to.deep.equal(['r', 'w']);
    expect(q.size).to.equal(0);
  });

  it('never loses or duplicates a chunk over any sequence of enqueues and dequeues (incl. compaction past 1,024)', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(50)), { minLength: 1, maxLength: 3000 }), (ops) => {
      const q = new ChunkQueue();
      let now = 0; let n = 0;
      const out: string[] = [];
      for (const [isAdd, delay] of ops) {
        now += 1;
        if (isAdd) q.enqueue(item(String(n++), now + (delay % 3 === 0 ? delay : 0)), now);
        else { const x = q.dequeue(now); if (x) out.push(x.chunk.id); }
      }
      for (let x = q.dequeue(Infinity); x; x = q.dequeue(Infinity)) out.push(x.chunk.id);
      expect(out.length).to.equal(n);
      expect(new Set(out).size).to.equal(n);
    }), { numRuns: 50 });
  });
});
