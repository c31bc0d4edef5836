import { expect } from 'chai';
import fc from 'fast-check';
import { BoundedLineSplitter, MAX_LINE_CHARS } from '../../../src/engines/bounded-lines';
import { parseRobocopyLogBuffer } from '../../../src/engines/robocopy/log/parse-log';
import { RobocopyStdoutProgress } from '../../../src/engines/robocopy/stdout-progress';
import { LineSplitter } from '../../../src/engines/rsync/line-splitter';

const MiB20 = 20 * 2 ** 20;
const BLOCK = 64 * 1024;

/**
 * Issue #14, item 8: engine output is split into lines in linear time with a bounded line length;
 * longer lines are cut and counted. (The time itself is measured in bench/long-lines-bench.ts:
 * 20 MiB in one line took ~24 s of CPU and 260 MiB before, well under a second now.)
 */
describe('BoundedLineSplitter', () => {
  it('splits at CR and LF across pushes like a plain split, however the text is cut (property)', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '\r', '\n', 'é', '😀') }), fc.array(fc.nat({ max: 20 }), { maxLength: 10 }), (text, cuts) => {
      const out: string[] = [];
      const s = new BoundedLineSplitter();
      let at = 0;
      for (const c of cuts) { s.push(text.slice(at, at + c), (l) => out.push(l)); at += c; }
      s.push(text.slice(at), (l) => out.push(l));
      s.flush((l) => out.push(l));
      const expected = text.split(/[\r\n]/);
      if (expected[expected.length - 1] === '') expected.pop();
      expect(out).to.deep.equal(expected);
      expect(s.truncatedLines).to.equal(0);
    }));
  });

  it('one 20 MiB line: never holds more than the bound, delivers it cut to the bound, counts it, and goes on', () => {
    const out: string[] = [];
    const s = new BoundedLineSplitter();
    const block = 'x'.repeat(BLOCK);
    let maxPending = 0;
    for (let i = 0; i < MiB20 / BLOCK; i++) {
      s.push(block, (l) => out.push(l));
      maxPending = Math.max(maxPending, s.pendingLength());
    }
    s.push('\nnext line\n', (l) => out.push(l));
    expect(maxPending).to.equal(MAX_LINE_CHARS);
    expect(out.map((l) => l.length)).to.deep.equal([MAX_LINE_CHARS, 'next line'.length]);
    expect(out[1]).to.equal('next line');
    expect(s.truncatedLines).to.equal(1);
  });

  it('cuts a long line without splitting a surrogate pair, and pending() stays what was kept', () => {
    const s = new BoundedLineSplitter(5);
    const out: string[] = [];
    s.push('abcd😀xyz', (l) => out.push(l));
    expect(s.pending()).to.equal('abcd');
    s.push('more\nok', (l) => out.push(l));
    s.flush((l) => out.push(l));
    expect(out).to.deep.equal(['abcd', 'ok']);
    expect(s.truncatedLines).to.equal(1);
  });
});

describe('engine line splitters on one 20 MiB line', () => {
  it('rsync: one cut line, counted, and the lines after it intact', () => {
    const out: string[] = [];
    const s = new LineSplitter((l) => out.push(l));
    const block = Buffer.alloc(BLOCK, 'z');
    for (let i = 0; i < MiB20 / BLOCK; i++) s.push(block);
    s.push(Buffer.from('\r     1,024 100%  1.00MB/s    0:00:00 (xfr#1, to-chk=0/2)\n'));
    s.end();
    expect(out.map((l) => l.length)).to.deep.equal([MAX_LINE_CHARS, out[1].length]);
    expect(out[1]).to.include('xfr#1');
    expect(s.truncatedLines).to.equal(1);
  });

  it('robocopy console: progress is still read after a 20 MiB line of tabs, which is cut and counted', () => {
    const seen: number[] = [];
    const p = new RobocopyStdoutProgress((x) => seen.push(x.bytesCopied));
    const tabs = Buffer.alloc(BLOCK, '\t');
    for (let i = 0; i < MiB20 / BLOCK; i++) p.write(tabs);
    p.write(Buffer.from('\r\n\t    New File  \t\t    2048\tD:\\src\\a.bin\r  50%  \r100%  \r\n'));
    p.end();
    expect(p.truncatedLines).to.equal(1);
    expect(p.progress()).to.deep.include({ bytesCopied: 2048, filesCopied: 1 });
  });

  it('robocopy log: a 20 MiB line is cut and reported as a warning', async () => {
    const log = await parseRobocopyLogBuffer(Buffer.alloc(MiB20, 'q'));
    expect(log.warnings).to.include(`1 log line(s) longer than ${MAX_LINE_CHARS} characters were cut short`);
  });
});
