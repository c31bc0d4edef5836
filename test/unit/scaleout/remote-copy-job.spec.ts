import { expect } from 'chai';
import type { Chunk, CopyResult } from '../../../src/api';
import { emptyStats } from '../../../src/api';
import { RemoteCopyJob } from '../../../src/scaleout/remote-copy-job';

const chunk = { id: 'c' } as Chunk;
const result: CopyResult = { exitCode: 0, exitMeaning: { severity: 'Success', shouldRetry: false, message: 'ok' }, stats: emptyStats(), errors: [], durationMs: 1, killed: false };

function job(sent: string[] = []): RemoteCopyJob {
  return new RemoteCopyJob(chunk, 'att', { cancel: async () => { sent.push('cancel'); }, control: (_id, f) => sent.push(JSON.stringify(f)) });
}

describe('scaleout/RemoteCopyJob', () => {
  it('takes progress of its attempt at the newest epoch only, and keeps the counters monotonic', () => {
    const j = job();
    const seen: number[] = [];
    j.onProgress((p) => seen.push(p.bytesCopied));
    expect(j.accept({ attemptId: 'att', epoch: 1, worker: 'a', bytesCopied: 10, filesCopied: 1 })).to.equal(true);
    expect(j.accept({ attemptId: 'att', epoch: 2, worker: 'b', bytesCopied: 5, filesCopied: 1 })).to.equal(true);
    // The zombie of the first start reports late: dropped.
    expect(j.accept({ attemptId: 'att', epoch: 1, worker: 'a', bytesCopied: 90, filesCopied: 9 })).to.equal(false);
    expect(j.accept({ attemptId: 'other', epoch: 9, worker: 'a', bytesCopied: 90, filesCopied: 9 })).to.equal(false);
    expect(j.accept({ nonsense: true })).to.equal(false);
    expect(j.progress().bytesCopied).to.equal(10);
    expect(j.worker).to.equal('b');
    expect(seen).to.deep.equal([10, 10]);
  });

  it('settles once; progress after the end is ignored', async () => {
    const j = job();
    j.settle(result);
    j.settle({ ...result, exitCode: 8 });
    expect((await j.done).exitCode).to.equal(0);
    expect(j.accept({ attemptId: 'att', epoch: 5, worker: 'a', bytesCopied: 1, filesCopied: 1 })).to.equal(false);
  });

  it('sends suspend, resume and bandwidth as control writes; kill waits for the attempt to end', async () => {
    const sent: string[] = [];
    const j = job(sent);
    j.suspend(); j.resume(); j.setBandwidth(1234.7);
    let killed = false;
    const k = j.kill().then(() => { killed = true; });
    await new Promise((r) => setImmediate(r));
    expect(killed).to.equal(false);
    j.settle({ ...result, killed: true });
    await k;
    expect(sent).to.deep.equal(['{"suspend":"1"}', '{"suspend":"0"}', '{"bandwidth":"1234"}', 'cancel']);
  });
});
