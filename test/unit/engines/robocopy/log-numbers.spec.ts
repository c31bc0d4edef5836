import { expect } from 'chai';
import {
  detectLogEncoding, LineSplitter, matchSpeed, parseDuration, parseLocalisedNumber, parseSizeColumns, parseTimeColumns, textPlausibility,
} from '../../../../src/engines/robocopy';
import * as iconv from 'iconv-lite';

describe('robocopy log numbers', () => {
  it('reads six size columns with suffixes, raw bytes, and either decimal mark', () => {
    expect(parseSizeColumns('   2.114 g   2.114 g         0         0         0         0')).to.deep.equal({
      total: 2269890216, copied: 2269890216, skipped: 0, mismatch: 0, failed: 0, extras: 0,
    });
    expect(parseSizeColumns(' 1,5 k 2 3 4 5 1t')).to.deep.equal({ total: 1536, copied: 2, skipped: 3, mismatch: 4, failed: 5, extras: 1024 ** 4 });
    expect(parseSizeColumns('  98765432   2107392  96653944         0      4096         0')!.total).to.equal(98765432);
  });

  it('refuses anything that is not exactly six sizes', () => {
    expect(parseSizeColumns('1 2 3 4 5')).to.equal(null);
    expect(parseSizeColumns('1 2 3 4 5 6 7')).to.equal(null);
    expect(parseSizeColumns('\\Users\\Piotr\\')).to.equal(null);
    expect(parseSizeColumns('1 2 3 4 5 x')).to.equal(null);
  });

  it('reads durations and the Times row (blank Skipped/Mismatch columns)', () => {
    expect(parseDuration('1:20:59')).to.equal(4859);
    expect(parseDuration('0:16.914')).to.be.closeTo(16.914, 1e-9);
    expect(parseDuration('12%')).to.equal(null);
    expect(parseTimeColumns('   0:00:17   0:00:01                       0:00:00   0:00:13')).to.deep.equal({ total: 17, copied: 1, failed: 0, extras: 13 });
    expect(parseTimeColumns('0:00:17 x')).to.equal(null);
  });

  it('reads Speed values with any grouping or decimal mark', () => {
    const cases: [string, boolean, number][] = [
      ['1\u00a0671\u00a0206 Байт/сек.', true, 1_671_206],
      ['95,627 МБ/мин.', false, 95.627],
      ['36118000 Bytes/sec.', true, 36_118_000],
      ['2066.688 MegaBytes/min.', false, 2066.688],
      ['323.467 Bytes/Sek.', true, 323_467],
      ['1 234,567 Mo/min.', false, 1234.567],
      ["2'066.688 MB/min.", false, 2066.688],
      ['1\u202f310\u202f720 Octets/s.', true, 1_310_720],
    ];
    for (const [text, integer, value] of cases) {
      const s = matchSpeed(text);
      expect(s, text).to.not.equal(null);
      expect(parseLocalisedNumber(s!.number, integer), text).to.equal(value);
    }
    expect(matchSpeed('sobota, 14 maja 2022 22:31:17')).to.equal(null);
    expect(matchSpeed('2024年3月5日 10:15:54')).to.equal(null);
  });
});

describe('robocopy log encoding detection', () => {
  const text = 'Répertoires :   Fichiers : Données été clôturé Größe für Übersicht';
  it('BOMs, NUL pattern, UTF-8 validity, the configured code page', () => {
    expect(detectLogEncoding(Buffer.from([0xff, 0xfe, 0x41, 0]), []).reason).to.equal('bom');
    expect(detectLogEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]), []).encoding).to.equal('utf8');
    expect(detectLogEncoding(Buffer.from([0xfe, 0xff, 0, 0x41]), []).encoding).to.equal('utf16be');
    expect(detectLogEncoding(Buffer.from(text, 'utf16le'), [])).to.include({ encoding: 'utf16le', reason: 'nul-pattern' });
    expect(detectLogEncoding(iconv.encode(text, 'utf16be'), [])).to.include({ encoding: 'utf16be', reason: 'nul-pattern' });
    expect(detectLogEncoding(Buffer.from(text, 'utf8'), [])).to.include({ encoding: 'utf8', reason: 'utf8-valid' });
    expect(detectLogEncoding(iconv.encode(text, 'cp850'), [], { codePage: 'CP850' })).to.include({ encoding: 'cp850', reason: 'option' });
    expect(detectLogEncoding(Buffer.from('plain ascii'), [])).to.include({ encoding: 'utf8', reason: 'ascii' });
    expect(detectLogEncoding(Buffer.from('plain ascii'), [], { codePage: 437 })).to.include({ encoding: 'cp437', reason: 'option' });
  });

  it('non-ASCII only in a later window still counts', () => {
    const head = Buffer.from('a'.repeat(1000));
    expect(detectLogEncoding(head, [iconv.encode('Каталогов : Файлов : Отказано в доступе', 'cp866')]).encoding).to.equal('cp866');
  });

  it('guesses the code page whose decoding reads as words of one script', () => {
    expect(detectLogEncoding(iconv.encode('Каталогов : Файлов : Отказано в доступе', 'cp866'), []).encoding).to.equal('cp866');
    expect(detectLogEncoding(iconv.encode('ディレクトリ: ファイル: プロセスはファイルにアクセスできません', 'cp932'), []).encoding).to.equal('cp932');
    expect(detectLogEncoding(iconv.encode('Diretórios : Arquivos : Não foi possível', 'cp850'), []).encoding).to.equal('cp850');
    expect(textPlausibility('Каталогов')).to.be.greaterThan(textPlausibility('Ω╨╬α'));
  });
});

describe('LineSplitter', () => {
  it('splits at CR, LF and CRLF across pushes, keeping the unterminated rest', () => {
    const out: string[] = [];
    const s = new LineSplitter();
    s.push('a\r', (l) => out.push(l));
    s.push('\nb\r 12%\r100%', (l) => out.push(l));
    s.push('\r\nlast', (l) => out.push(l));
    s.flush((l) => out.push(l));
    expect(out).to.deep.equal(['a', '', 'b', ' 12%', '100%', '', 'last']);
  });
});
