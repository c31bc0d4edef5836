import { expect } from 'chai';
import { fsx } from '../../../src/fs/fsx';
import { spawnTracked, type TrackedChild } from '../../../src/process/tracked-child';

/** What a child wrote on stdout, how many reads brought it, and when 'exit' and 'close' came. */
async function readAll(c: TrackedChild): Promise<{ text: string; reads: number; exitToCloseMs: number; totalMs: number }> {
  const started = Date.now();
  let text = '';
  let reads = 0;
  let exitedAt = 0;
  c.child.stdout!.on('data', (b: Buffer) => { reads++; text += b.toString(); });
  c.child.once('exit', () => { exitedAt = Date.now(); });
  await new Promise<void>((resolve) => c.child.once('close', () => resolve()));
  return { text, reads, exitToCloseMs: Date.now() - exitedAt, totalMs: Date.now() - started };
}

const node = (script: string, paceStdoutMs?: number): TrackedChild =>
  spawnTracked(process.execPath, ['-e', script], { env: process.env, ...(paceStdoutMs !== undefined ? { paceStdoutMs } : {}) });

/** 150 lines, one every 2 ms, each its own write: how rsync reports progress. */
const TRICKLE = "let i = 0; const t = setInterval(() => { process.stdout.write(`line ${i}\\n`); if (++i === 150) clearInterval(t); }, 2);";
const expected = Array.from({ length: 150 }, (_, i) => `line ${i}\n`).join('');

/**
 * A copier's stdout read at a pace (src/process/paced-reads.ts), through the helper's posix_spawn:
 * real children, real pipes. The pace saves wake-ups; it must never lose, reorder or hold back output.
 */
describe('paced reads of a child\'s stdout (Linux, the helper built)', function () {
  this.timeout(60_000);
  before(function () {
    // Where the helper is missing, children start through node:child_process, read as they write.
    if (process.platform !== 'linux' || !fsx?.spawnPipes) this.skip();
  });

  it('brings a trickle of lines in a few reads, every byte in order', async () => {
    const [paced, plain] = await Promise.all([readAll(node(TRICKLE, 50)), readAll(node(TRICKLE))]);
    expect(paced.text).to.equal(expected);
    expect(plain.text).to.equal(expected);
    // ~300 ms of writing at 50 ms: a dozen or two reads; read as written, about one per line.
    expect(paced.reads, `paced ${paced.reads} reads, unpaced ${plain.reads}`).to.be.below(plain.reads / 3);
    expect(paced.reads).to.be.below(40);
  });

  it('reads the last lines and the end at once when the child exits, not a pace later', async () => {
    // A pace of 10 s: were it kept after the exit, 'close' would come up to 10 s after it.
    const r = await readAll(node("process.stdout.write('first\\n'); setTimeout(() => process.stdout.write('last\\n'), 300);", 10_000));
    expect(r.text).to.equal('first\nlast\n');
    expect(r.exitToCloseMs).to.be.below(2_000);
  });

  it('reads a child that writes faster than the pace would drain its pipe as it writes', async () => {
    // 8 MiB at once: paced at 2 s, one 64 KiB pipe-full per pause, that would take over 4 minutes;
    // the first full read ends the pacing: one pause at most (without that rule, ~12 s here).
    const r = await readAll(node("process.stdout.write('x'.repeat(8 * 1024 * 1024) + '\\n');", 2_000));
    expect(r.text.length).to.equal(8 * 1024 * 1024 + 1);
    expect(r.totalMs, 'one pause at most').to.be.below(7_000);
  });
});
