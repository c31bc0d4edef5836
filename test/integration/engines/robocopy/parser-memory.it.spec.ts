import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeTemp, tempDir } from '../../../helpers/make-tree';

/**
 * The parser must stream: a 100 MB log with thousands of error blocks is parsed by a Node process
 * whose heap is capped at 20 MB. Reading the log whole, or keeping slices that pin decoded
 * chunks, runs out of heap and fails this test.
 */
describe('robocopy log parser memory (streaming)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-parse-mem-'); });
  afterEach(() => removeTemp(dir));

  it('parses a 100 MB UTF-16LE log with a 20 MB heap', () => {
    const log = path.join(dir, 'big.log');
    const fd = fs.openSync(log, 'w');
    fs.writeSync(fd, Buffer.from([0xff, 0xfe]));
    let text = '\r\n   ROBOCOPY     ::     Robust File Copy for Windows\r\n' + `${'-'.repeat(78)}\r\n\r\n`;
    let written = 0; let errors = 0;
    for (let i = 0; written < 100e6; i++) {
      text += `\t    New File  \t\t   ${i}\tD:\\data\\dir${i % 100}\\file-${i}.bin\r  0%  \r100%  \r\n`;
      if (i % 200 === 0) { errors++; text += `2024/03/05 10:15:43 ERROR 5 (0x00000005) Copying File D:\\data\\denied-${i}.bin\r\nAccess is denied.\r\n`; }
      if (text.length > 1e6) { written += fs.writeSync(fd, Buffer.from(text, 'utf16le')); text = ''; }
    }
    text += `\r\n${'-'.repeat(78)}\r\n\r\n               Total    Copied   Skipped  Mismatch    FAILED    Extras\r\n`
      + '    Dirs :       100       100         0         0         0         0\r\n'
      + `   Files :    999999    999999         0         0   ${errors}         0\r\n`
      + '   Bytes :   1.000 g   1.000 g         0         0         0         0\r\n'
      + '   Ended : now\r\n';
    fs.writeSync(fd, Buffer.from(text, 'utf16le'));
    fs.closeSync(fd);
    const parser = path.resolve(__dirname, '..', '..', '..', '..', 'src', 'engines', 'robocopy', 'log', 'parse-log.js');
    const script = `require(${JSON.stringify(parser)}).parseRobocopyLogFile(${JSON.stringify(log)})`
      + '.then((r) => process.stdout.write(JSON.stringify({ parsed: r.parsed, errors: r.errors.length, failed: r.totals.files.failed })))';
    const out = execFileSync(process.execPath, ['--max-old-space-size=20', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).to.deep.equal({ parsed: true, errors, failed: errors });
  });
});
