import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as iconv from 'iconv-lite';
import { detectLogEncoding, parseRobocopyLogBuffer, parseRobocopyLogFile } from '../../../../src/engines/robocopy';
import { summaryColumnsAligned } from '../../../../src/engines/robocopy/log/decoding-score';
import { packageRoot } from '../../../../src/paths';
import { LOCALES, sampleLogs, sampleLogText } from '../../../helpers/robocopy-log-samples';

const REAL = path.join(packageRoot(), 'test', 'fixtures', 'robocopy-logs-real');
const SYNTHETIC = path.join(packageRoot(), 'test', 'fixtures', 'robocopy-logs-synthetic');
const row = (total: number, copied: number, skipped: number, mismatch: number, failed: number, extras: number) =>
  ({ total, copied, skipped, mismatch, failed, extras });
const k = (x: number) => Math.round(x * 1024);
const m = (x: number) => Math.round(x * 1024 ** 2);
const g = (x: number) => Math.round(x * 1024 ** 3);

describe('robocopy log code-page detection', () => {
  describe('real East-Asian logs (test/fixtures/robocopy-logs-real, origin in each .src.txt)', () => {
    it('Japanese (cp932, nTAKAn/RoboCopyMan): Shift-JIS, and the summary as written in it', async () => {
      const r = await parseRobocopyLogFile(path.join(REAL, 'ja-cp932-RoboCopyMan-readme.log'));
      expect(r).to.include({ parsed: true, encoding: 'cp932', encodingReason: 'guessed' });
      expect(r.warnings).to.deep.equal([]);
      const j = r.jobs[0];
      expect(j.dirs).to.deep.equal(row(1869, 1869, 1869, 0, 0, 0));
      expect(j.files).to.deep.equal(row(10940, 0, 10940, 0, 0, 0));
      expect(j.bytes).to.deep.equal(row(g(26.725), 0, g(26.725), 0, 0, 0));
      expect(j.times).to.deep.equal({ total: 3, copied: 0, failed: 0, extras: 3 });
      expect(j.ended).to.equal('2024年4月27日 19:24:40');
      expect(r.errors).to.deep.equal([]);
    });

    it('Chinese (cp936, a public note whose repository could not be resolved): GBK, and its summary', async () => {
      const r = await parseRobocopyLogFile(path.join(REAL, 'zh-cp936-docker-desktop-notes.log'));
      expect(r).to.include({ parsed: true, encoding: 'cp936', encodingReason: 'guessed' });
      const j = r.jobs[0];
      expect(j.dirs).to.deep.equal(row(3, 3, 0, 0, 0, 0));
      expect(j.files).to.deep.equal(row(2, 2, 0, 0, 0, 0));
      expect(j.bytes).to.deep.equal(row(k(2.9), k(2.9), 0, 0, 0, 0));
      expect([j.speedBytesPerSec, j.speedMegaBytesPerMin, j.ended]).to.deep.equal([1_513_500, 86.603, '2026年5月13日 23:57:18']);
    });

    it('the Japanese log is not taken for a Central-European or any single-byte page, whatever comes first', () => {
      const buf = fs.readFileSync(path.join(REAL, 'ja-cp932-RoboCopyMan-readme.log'));
      for (const first of [852, 1250, 850, 1252, 866, 936, 949, 950]) {
        const choice = detectLogEncoding(buf, [], { candidateCodePages: [first, 932] });
        expect(choice.encoding, `with cp${first} first`).to.equal('cp932');
      }
    });
  });

  describe('synthetic logs where no real one was found (labels are a best guess)', () => {
    it('Korean (cp949, synthetic): EUC-KR is not read as GBK', async () => {
      const r = await parseRobocopyLogFile(path.join(SYNTHETIC, 'ko-cp949.log'));
      expect(r).to.include({ parsed: true, encoding: 'cp949' });
      const j = r.jobs[0];
      expect(j.dirs).to.deep.equal(row(2, 1, 1, 0, 0, 0));
      expect(j.files).to.deep.equal(row(4, 2, 1, 0, 1, 0));
      expect(j.bytes).to.deep.equal(row(k(704), k(640), 0, 0, k(64), 0));
      expect([j.speedBytesPerSec, j.speedMegaBytesPerMin, j.ended]).to.deep.equal([655_360, 37.5, '2024년 3월 5일 화요일 오전 10:15:54']);
      expect(r.errors.map((e) => [e.code, e.path])).to.deep.equal([[32, 'D:\\공유\\영업부\\잠긴 장부.xlsx']]);
    });

    it('Traditional Chinese (cp950, synthetic): Big5, and its summary', async () => {
      const r = await parseRobocopyLogFile(path.join(SYNTHETIC, 'zh-tw-cp950.log'));
      expect(r).to.include({ parsed: true, encoding: 'cp950' });
      const j = r.jobs[0];
      expect(j.files).to.deep.equal(row(10, 2, 8, 0, 0, 0));
      expect(j.bytes).to.deep.equal(row(m(2.5), k(384), m(2.125), 0, 0, 0));
      expect([j.speedBytesPerSec, j.speedMegaBytesPerMin, j.ended]).to.deep.equal([393_216, 22.5, '2024年3月5日 上午 10:15:44']);
    });

    it('every East-Asian sample of the matrix, short or long, decodes in its own page', () => {
      const cjk = sampleLogs().filter((s) => [932, 936, 949, 950].includes(s.page));
      expect(cjk).to.have.length(8);
      for (const s of cjk) expect(detectLogEncoding(s.bytes, []).encoding, s.name).to.equal(`cp${s.page}`);
    });

    it('no single-byte sample of the matrix is taken for an East-Asian page', () => {
      for (const s of sampleLogs().filter((x) => ![932, 936, 949, 950].includes(x.page))) {
        expect(detectLogEncoding(s.bytes, []).encoding, s.name).to.not.match(/^cp9(32|36|49|50)$/);
      }
    });

    it('the Cyrillic samples (cp866 and cp1251) and the Western OEM samples decode exactly', () => {
      for (const s of sampleLogs().filter((x) => [866, 1251].includes(x.page) || (x.page === 850 && x.name.endsWith('long')))) {
        const got = detectLogEncoding(s.bytes, []).encoding;
        expect(iconv.decode(s.bytes, got), `${s.name} as ${got}`).to.equal(s.text);
      }
    });
  });

  describe('the signals', () => {
    it('summary columns line up in the right page only', () => {
      const ja = LOCALES.find((l) => l.id === 'ja')!;
      const bytes = iconv.encode(sampleLogText(ja, 'short'), 'cp932');
      const lines = (enc: string) => iconv.decode(bytes, enc).split('\r\n');
      expect(summaryColumnsAligned(lines('cp932'))).to.equal(true);
      expect(summaryColumnsAligned(lines('cp852'))).to.equal(false);
      expect(summaryColumnsAligned(lines('cp1250'))).to.equal(false);
    });

    it('a log robocurse wrote itself (/UNILOG) is read as UTF-16LE without any guessing', async () => {
      const text = sampleLogText(LOCALES.find((l) => l.id === 'ko')!, 'long');
      const r = await parseRobocopyLogBuffer(Buffer.from(text, 'utf16le'), { encoding: 'utf16le' });
      expect(r).to.include({ parsed: true, encoding: 'utf16le', encodingReason: 'known' });
    });
  });
});
