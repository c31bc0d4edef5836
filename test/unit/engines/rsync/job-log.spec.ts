import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobLog } from '../../../../src/engines/rsync/job-log';
import { decodeName } from '../../../../src/fs/byte-names';
import { removeTemp, tempDir } from '../../../helpers/make-tree';

/**
 * The chunk's rsync log buffers its lines (one write per 64 KiB or fifth of a second, not one per
 * line): what must still hold is that every line arrives, in order, as rsync's own bytes, the file
 * is private, and a log that cannot be written is reported once and never throws.
 */
describe('rsync job log: buffered, every line in order as rsync printed it', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-joblog-'); });
  afterEach(() => removeTemp(dir));

  it('writes the header and each line in order, raw bytes of names that are not UTF-8 included, by close()', async () => {
    const file = path.join(dir, 'chunks', 'c-a1.log');
    const log = new JobLog(file, '# header', () => { throw new Error('no error expected'); });
    const odd = decodeName(Buffer.from([0x66, 0xff, 0x2f, 0x67])); // f\xff/g
    log.line('>f+++++++++ 3 a.txt');
    log.line(`>f+++++++++ 4 ${odd}`);
    log.line('*deleting   0 b.txt');
    for (let i = 0; i < 3000; i++) log.line(`>f.st...... 12 dir/${'x'.repeat(40)}-${i}.dat`); // past 64 KiB: written on the way
    await log.close();
    const bytes = fs.readFileSync(file);
    const expected = Buffer.concat([
      Buffer.from('# header\n>f+++++++++ 3 a.txt\n>f+++++++++ 4 '), Buffer.from([0x66, 0xff, 0x2f, 0x67]), Buffer.from('\n*deleting   0 b.txt\n'),
      Buffer.from(Array.from({ length: 3000 }, (_, i) => `>f.st...... 12 dir/${'x'.repeat(40)}-${i}.dat\n`).join('')),
    ]);
    expect(bytes.equals(expected)).to.equal(true);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).to.equal(0o700);
    log.line('after close'); // ignored, never throws
    await log.close();
    expect(fs.readFileSync(file).length).to.equal(expected.length);
  });

  it('writes a quiet job\'s lines within a fifth of a second, before it ends', async () => {
    const file = path.join(dir, 'c.log');
    const log = new JobLog(file, '# h', () => undefined);
    log.line('one line');
    await new Promise((r) => setTimeout(r, 600));
    expect(fs.readFileSync(file, 'utf8')).to.equal('# h\none line\n');
    await log.close();
  });

  it('a log that cannot be written reports once and drops the rest; close() still settles', async function () {
    if (!fs.existsSync('/dev/full')) this.skip(); // not Linux-like: no device that is always full
    const file = path.join(dir, 'full.log');
    const errors: string[] = [];
    const log = new JobLog(file, '# h', (e) => errors.push(e.code ?? e.message));
    // Swap the stream's descriptor for /dev/full's: every write fails with ENOSPC.
    const full = fs.openSync('/dev/full', 'w');
    const stream = (log as unknown as { out: { stream: fs.WriteStream & { fd: number } } }).out.stream;
    const own = stream.fd;
    stream.fd = full;
    fs.closeSync(own);
    for (let i = 0; i < 5000; i++) log.line(`line ${i} ${'y'.repeat(30)}`);
    await log.close();
    expect(errors).to.deep.equal(['ENOSPC']);
  });
});
