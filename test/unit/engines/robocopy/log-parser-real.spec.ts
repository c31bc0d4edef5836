import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectLogEncoding, parseRobocopyLogChunks, parseRobocopyLogFile } from '../../../../src/engines/robocopy';
import { packageRoot } from '../../../../src/paths';

/** Real robocopy logs shared by the project (read-only; CI keeps a copy of shared/ beside the checkout). */
const SHARED = path.join(packageRoot(), '..', 'shared', 'fixtures', 'robocopy-logs');
const RU = path.join(SHARED, 'CjFlash1_FujiMir_robocopy_log.log');
const PL = path.join(SHARED, 'ZalewskiPiotr_robocopy_log_reader_data_KopiaZapasowaLOG.log');
const EN = path.join(SHARED, 'dpoarch_Polling-project-VisualCron_robocopy.log');

const row = (total: number, copied: number, skipped: number, mismatch: number, failed: number, extras: number) =>
  ({ total, copied, skipped, mismatch, failed, extras });
/** Robocopy's k/m/g are binary; the parser rounds to whole bytes. */
const m = (x: number) => Math.round(x * 1024 ** 2);
const g = (x: number) => Math.round(x * 1024 ** 3);
const k = (x: number) => Math.round(x * 1024);

describe('robocopy log parser on real logs', () => {
  it('Russian cp866 log (/MT, stray CRs, localised speed): summary, times, speeds and the access-denied error', async () => {
    const r = await parseRobocopyLogFile(RU);
    expect(r.parsed).to.equal(true);
    expect(r.warnings).to.deep.equal([]);
    expect(r.encoding).to.equal('cp866');
    expect(r.encodingReason).to.equal('guessed');
    expect(r.jobs).to.have.length(1);
    const j = r.jobs[0];
    // As printed (the Dirs row is internally inconsistent under /MT; we report what robocopy said).
    expect(j.dirs).to.deep.equal(row(96, 93, 92, 0, 0, 1));
    expect(j.files).to.deep.equal(row(180, 22, 157, 0, 1, 4));
    expect(j.bytes).to.deep.equal(row(m(33.97), m(2.67), m(31.30), 0, 538, m(6.92)));
    expect(j.times).to.deep.equal({ total: 17, copied: 1, failed: 0, extras: 13 });
    expect(j.speedBytesPerSec).to.equal(1_671_206);
    expect(j.speedMegaBytesPerMin).to.equal(95.627);
    expect(j.ended).to.equal('вторник, 30 декабря 2025 г. 00:49:21');
    expect(r.errors).to.deep.equal([{
      timestamp: '2025/12/30 00:49:21', code: 5, hex: '0x00000005', action: 'Копирование файла',
      path: 'C:\\Users\\Ihor\\.gemini\\antigravity\\scratch\\fujimir-modern\\.gitignore',
      message: 'Отказано в доступе.', occurrences: 4,
    }]);
  });

  it('Russian log: cp866 wins on score, not on candidate order', async () => {
    const buf = fs.readFileSync(RU);
    const choice = detectLogEncoding(buf.subarray(0, 2000), [buf.subarray(2000)], { candidateCodePages: [437, 850, 1252, 866, 936] });
    expect(choice.encoding).to.equal('cp866');
    const forced = await parseRobocopyLogFile(RU, { codePage: 866 });
    expect(forced.encodingReason).to.equal('option');
    expect(forced.totals.files.failed).to.equal(1);
  });

  it('Polish UTF-16LE log with 17 appended jobs', async () => {
    const r = await parseRobocopyLogFile(PL);
    expect(r).to.include({ parsed: true, encoding: 'utf16le', encodingReason: 'bom' });
    expect(r.jobs).to.have.length(17);
    expect(r.jobs[0].dirs).to.deep.equal(row(1, 0, 1, 0, 0, 0));
    expect(r.jobs[0].files).to.deep.equal(row(1, 0, 1, 0, 0, 0));
    expect(r.jobs[0].bytes).to.deep.equal(row(k(844.3), 0, k(844.3), 0, 0, 0));
    expect(r.jobs[0].ended).to.equal('sobota, 14 maja 2022 22:31:17');
    expect(r.jobs[3].bytes.total).to.equal(g(2.645));
    const withSpeed = r.jobs.filter((j) => j.speedBytesPerSec !== undefined);
    expect(withSpeed.map((j) => [j.speedBytesPerSec, j.speedMegaBytesPerMin])).to.deep.equal([[36_118_000, 2066.688], [14_291_479, 817.765]]);
    expect(r.jobs[13].files).to.deep.equal(row(6, 1, 5, 0, 0, 0));
    expect(r.jobs[13].bytes).to.deep.equal(row(k(118.6), k(105.8), k(12.8), 0, 0, 0));
    const last = r.jobs[16];
    expect(last.dirs).to.deep.equal(row(4543, 0, 4543, 0, 0, 0));
    expect(last.files).to.deep.equal(row(26645, 9, 26636, 0, 0, 0));
    expect(last.bytes).to.deep.equal(row(g(10.138), m(2.33), g(10.136), 0, 0, 0));
    expect(last.times).to.deep.equal({ total: 26, copied: 0, failed: 0, extras: 26 });
    expect(r.totals.dirs.total).to.equal(5099);
    expect(r.totals.files).to.deep.equal(row(33032, 10, 33022, 0, 0, 0));
    expect(r.errors).to.deep.equal([]);
  });

  it('English ASCII log (UNC, inline progress, /MT thread time, no Speed lines)', async () => {
    const r = await parseRobocopyLogFile(EN);
    expect(r.parsed).to.equal(true);
    expect(r.jobs).to.have.length(1);
    const j = r.jobs[0];
    expect(j.dirs).to.deep.equal(row(5, 4, 1, 0, 0, 0));
    expect(j.files).to.deep.equal(row(7245, 7245, 0, 0, 0, 0));
    expect(j.bytes).to.deep.equal(row(g(2.114), g(2.114), 0, 0, 0, 0));
    expect(j.times).to.deep.equal({ total: 1 * 3600 + 20 * 60 + 59, copied: 8 * 60 + 2, failed: 0, extras: 60 });
    expect(j.speedBytesPerSec).to.equal(undefined);
    expect(j.ended).to.equal('Thu Jan 23 04:52:35 2014');
    expect(r.errors).to.deep.equal([]);
  });

  it('gives the same result whatever the chunk boundaries (CRLF, UTF-16 units and DBCS split)', async () => {
    for (const file of [RU, PL]) {
      const whole = await parseRobocopyLogFile(file);
      const buf = fs.readFileSync(file);
      const sizes = [1, 3, 7, 4093];
      const chunks: Buffer[] = [];
      for (let at = 0, i = 0; at < buf.length; i++) {
        const n = sizes[i % sizes.length];
        chunks.push(buf.subarray(at, at + n));
        at += n;
      }
      const pieces = await parseRobocopyLogChunks(chunks, { encoding: whole.encoding!, bomLength: 0, reason: 'option' });
      expect(pieces.jobs, path.basename(file)).to.deep.equal(whole.jobs);
    }
  });
});
