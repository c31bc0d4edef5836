import { expect } from 'chai';
import * as fc from 'fast-check';
import { LineSplitter } from '../../../../src/engines/rsync/line-splitter';
import { itemizeAction, parseItemizeLine, parseProgress2Line, ProgressTracker } from '../../../../src/engines/rsync/progress-parser';
import { fixture } from './fixtures';

function lines(text: string): string[] {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l));
  s.push(Buffer.from(text));
  s.end();
  return out;
}

describe('parseProgress2Line', () => {
  it('reads grouped and raw byte counts, the percentage and xfr#', () => {
    expect(parseProgress2Line('  1,234,567  45%  12.34MB/s    0:00:01 (xfr#3, to-chk=10/20)')).to.deep.equal({ bytes: 1_234_567, percent: 45, transfers: 3 });
    expect(parseProgress2Line('         300003  99%   31.79MB/s    0:00:00 (xfr#2, to-chk=7/10) ')).to.deep.equal({ bytes: 300_003, percent: 99, transfers: 2 });
    expect(parseProgress2Line('          32768   0%    0.00kB/s    0:00:00  ')).to.deep.equal({ bytes: 32_768, percent: 0, transfers: undefined });
    expect(parseProgress2Line('      5,000  12%  1.00MB/s    0:00:04 (xfr#1, ir-chk=1000/1200)')?.transfers).to.equal(1);
  });

  it('ignores every other line', () => {
    for (const l of ['>f+++++++++ 12 45% a.txt', 'Number of files: 10', 'Total file size: 300011 bytes', 'sent 1 bytes  received 2 bytes  6.00 bytes/sec', '']) {
      expect(parseProgress2Line(l), l).to.equal(undefined);
    }
  });
});

describe('parseItemizeLine', () => {
  it('reads transfers, directories and deletions, unescaping names', () => {
    expect(parseItemizeLine('>f+++++++++ 12 sub/b.txt')).to.deep.equal({ code: '>f+++++++++', size: 12, name: 'sub/b.txt' });
    expect(parseItemizeLine('cd+++++++++ 4096 sub/')).to.deep.equal({ code: 'cd+++++++++', size: 4096, name: 'sub/' });
    expect(parseItemizeLine('*deleting   0 extra.txt')).to.deep.equal({ code: '*deleting  ', size: 0, name: 'extra.txt' });
    expect(parseItemizeLine('>f+++++++++ 3 new\\#012line.txt')?.name).to.equal('new\nline.txt');
    expect(parseItemizeLine('>f+++++++++ 3 12 starts with digits')?.name).to.equal('12 starts with digits');
    expect(parseItemizeLine('Number of files: 3')).to.equal(undefined);
  });

  it('tells new files from updates; directories, attribute changes and deletions are no file actions', () => {
    expect(itemizeAction('>f+++++++++')).to.equal('new');
    expect(itemizeAction('>f.st......')).to.equal('update');
    expect(itemizeAction('cL+++++++++')).to.equal('new');
    expect(itemizeAction('cd+++++++++')).to.equal(undefined);
    expect(itemizeAction('.f..t......')).to.equal(undefined);
    expect(itemizeAction('*deleting  ')).to.equal(undefined);
  });
});

describe('LineSplitter', () => {
  it('splits at CR and LF, drops empty lines, and keeps UTF-8 across chunk boundaries', () => {
    const out: string[] = [];
    const s = new LineSplitter((l) => out.push(l));
    const bytes = Buffer.from('a\r\rb\nété\r\nlast');
    for (let i = 0; i < bytes.length; i++) s.push(bytes.subarray(i, i + 1));
    s.end();
    expect(out).to.deep.equal(['a', 'b', 'été', 'last']);
  });

  it('gives names that are not UTF-8 surrogate-escaped, however the bytes are cut', () => {
    const bytes = Buffer.concat([Buffer.from('>f+++++++++ caf'), Buffer.of(0xe9), Buffer.from('/'), Buffer.of(0xff), Buffer.from('\ncd+++++++++ \u00e9t\u00e9/\r')]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const out: string[] = [];
      const s = new LineSplitter((l) => out.push(l));
      s.push(bytes.subarray(0, cut));
      s.push(bytes.subarray(cut));
      s.end();
      expect(out, `cut at ${cut}`).to.deep.equal(['>f+++++++++ caf\udce9/\udcff', 'cd+++++++++ \u00e9t\u00e9/']);
    }
  });

  it('cuts a line over the bound to the bound and counts it, whether it came in one read or several', () => {
    for (const reads of [1, 2, 7]) {
      const out: string[] = [];
      const s = new LineSplitter((l) => out.push(l), 10);
      const bytes = Buffer.from('0123456789abcdef\nshort\n\n0123456789\nlast');
      const step = Math.ceil(bytes.length / reads);
      for (let at = 0; at < bytes.length; at += step) s.push(bytes.subarray(at, at + step));
      s.end();
      expect(out, `${reads} read(s)`).to.deep.equal(['0123456789', 'short', '0123456789', 'last']);
      expect(s.truncatedLines, `${reads} read(s)`).to.equal(1);
    }
  });

  it('gives the same lines however the stream is cut (property)', () => {
    const text = fixture('tree-mirror.stdout.txt');
    const whole = lines(text);
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 40 }), (cuts) => {
      const out: string[] = [];
      const s = new LineSplitter((l) => out.push(l));
      const buf = Buffer.from(text);
      let at = 0;
      for (const c of cuts) { s.push(buf.subarray(at, at + c)); at += c; }
      s.push(buf.subarray(at));
      s.end();
      expect(out).to.deep.equal(whole);
    }));
  });
});

describe('ProgressTracker on captured output', () => {
  it('follows cumulative bytes and transfers of a real run, monotonically, to the final totals', () => {
    const t = new ProgressTracker();
    const seen: number[] = [];
    for (const l of lines(fixture('tree-mirror.stdout.txt'))) if (t.feed(l) === 'progress') seen.push(t.snapshot().bytesCopied);
    expect(seen.length).to.be.greaterThan(3);
    expect(seen).to.deep.equal([...seen].sort((a, b) => a - b));
    expect(t.snapshot()).to.deep.include({ bytesCopied: 300_012, filesCopied: 7 });
    expect(t.snapshot().currentFile).to.equal('sub/deep/c.txt');
  });

  it('never goes back, even when a line reports less', () => {
    const t = new ProgressTracker();
    t.feed('   5,000  50%  1.00MB/s    0:00:01 (xfr#2, to-chk=1/3)');
    t.feed('   4,000  40%  1.00MB/s    0:00:01 (xfr#1, to-chk=2/3)');
    expect(t.snapshot()).to.deep.equal({ bytesCopied: 5000, filesCopied: 2 });
  });

  it('reads the killed run up to where it stopped', () => {
    const t = new ProgressTracker();
    for (const l of lines(fixture('killed.stdout.txt'))) t.feed(l);
    expect(t.snapshot().bytesCopied).to.be.greaterThan(300_000);
    expect(t.snapshot().filesCopied).to.be.at.least(3);
  });
});
