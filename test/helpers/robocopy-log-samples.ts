/**
 * A matrix of synthetic robocopy logs (locale x code page x length) for measuring code-page
 * detection: each locale's labels, dates and file names in its own script, written in its OEM
 * page (what robocopy /LOG writes) and its Windows ANSI page (what converting tools write). The
 * labels of the East-Asian locales follow real logs where one was found (ja, zh-CN: see
 * test/fixtures/robocopy-logs-real); the others are modelled on robocopy's layout, not copied from
 * a real log. Used by test/unit/engines/robocopy/log-encoding-detect.spec.ts and
 * bench/log-encoding-bench.ts.
 */
import * as iconv from 'iconv-lite';

interface Locale {
  id: string;
  pages: readonly number[];
  banner: string;
  started: string;
  source: string;
  dest: string;
  header: string;
  /** Dirs, Files, Bytes, Times, Speed, Ended labels, each already padded as robocopy pads it. */
  rows: readonly [string, string, string, string, string, string];
  date: string;
  /** Class word of a new file line, and file names in the locale's script. */
  newFile: string;
  names: readonly string[];
}

const LATIN_HEADER = '               Total    Copied   Skipped  Mismatch    FAILED    Extras';
const EN_ROWS = ['    Dirs :', '   Files :', '   Bytes :', '   Times :', '   Speed :', '   Ended :'] as const;

const latin = (id: string, pages: number[], names: string[], date: string): Locale => ({
  id, pages, banner: 'Robust File Copy for Windows', started: '  Started :', source: '   Source :', dest: '     Dest :',
  header: LATIN_HEADER, rows: EN_ROWS, date, newFile: 'New File', names,
});

export const LOCALES: readonly Locale[] = [
  latin('de', [850, 1252], ['Gehälter März.xlsx', 'Übersicht Größen.xlsx', 'Bericht für Äpfel.docx'], 'Dienstag, 5. März 2024 10:15:42'),
  latin('fr', [850, 1252], ['Présentation été.pptx', 'Bilan clôturé.xlsx', 'Reçu numéro à payer.pdf'], 'mardi 5 mars 2024 10:15:42'),
  latin('pt', [850, 1252], ['Orçamento anual.xlsx', 'Contratação São Paulo.pdf', 'Relatório técnico.doc'], 'terça-feira, 5 de março de 2024 10:15:42'),
  latin('es', [850, 1252], ['Año fiscal.xlsx', 'Señales del niño.doc', 'Informe económico.pdf'], 'martes, 5 de marzo de 2024 10:15:42'),
  latin('pl', [852, 1250], ['Zażółć gęślą jaźń.txt', 'Księgowość roczna.xlsx', 'Sprawozdanie Łódź.doc'], 'wtorek, 5 marca 2024 10:15:42'),
  latin('cs', [852, 1250], ['Účetnictví.xlsx', 'Přehled říjen.docx', 'Žluťoučký kůň.txt'], 'úterý 5. března 2024 10:15:42'),
  latin('hu', [852, 1250], ['Kimutatás őszi.xlsx', 'Füzetek ügyfél.doc', 'Összesítő könyvelés.pdf'], '2024. március 5., kedd 10:15:42'),
  latin('tr', [857, 1254], ['Muhasebe Şubat.xlsx', 'Güncel İçerik.docx', 'Öğrenci ışık.txt'], '5 Mart 2024 Salı 10:15:42'),
  latin('lt', [775, 1257], ['Ataskaita už kovą.docx', 'Buhalterija ūkis.xlsx', 'Sąskaitos įmonė.pdf'], '2024 m. kovo 5 d. 10:15:42'),
  {
    id: 'ru', pages: [866, 1251], banner: 'Robust File Copy for Windows', started: '  Начало:', source: '   Источник :', dest: '     Назначение :',
    header: '               Всего Скопировано Пропущено Несоответствие      СБОЙ Дополнения',
    rows: ['Каталогов:', '   Файлов:', '     Байт:', '    Время:', ' Скорость:', 'Завершено:'],
    date: '5 марта 2024 г. 10:15:42', newFile: 'Новый файл', names: ['Отчёт за март.docx', 'Бухгалтерия.xlsx', 'Договор поставки.pdf'],
  },
  {
    id: 'el', pages: [737, 1253], banner: 'Robust File Copy for Windows', started: '  Έναρξη :', source: '   Προέλευση :', dest: '     Προορισμός :',
    header: LATIN_HEADER, rows: EN_ROWS, date: 'Τρίτη, 5 Μαρτίου 2024 10:15:42', newFile: 'Νέο αρχείο',
    names: ['Αναφορά Μαρτίου.docx', 'Λογιστήριο.xlsx', 'Συμβόλαιο προμήθειας.pdf'],
  },
  {
    id: 'he', pages: [862, 1255], banner: 'Robust File Copy for Windows', started: '  Started :', source: '   Source :', dest: '     Dest :',
    header: LATIN_HEADER, rows: EN_ROWS, date: 'יום שלישי 05 מרץ 2024 10:15:42', newFile: 'New File',
    names: ['דוח חודשי.docx', 'הנהלת חשבונות.xlsx', 'חוזה אספקה.pdf'],
  },
  {
    id: 'ar', pages: [1256], banner: 'Robust File Copy for Windows', started: '  Started :', source: '   Source :', dest: '     Dest :',
    header: LATIN_HEADER, rows: EN_ROWS, date: 'الثلاثاء 05 مارس 2024 10:15:42', newFile: 'New File',
    names: ['تقرير شهري.docx', 'المحاسبة.xlsx', 'عقد التوريد.pdf'],
  },
  {
    id: 'ja', pages: [932], banner: 'Windows の堅牢性の高いファイル コピー', started: '  開始:', source: '   コピー元 :', dest: '     コピー先 :',
    header: '                  合計     コピー済み      スキップ       不一致        失敗    Extras',
    rows: ['   ディレクトリ:', '     ファイル:', '      バイト:', '       時刻:', '       速度:', '   終了:'],
    date: '2024年3月5日 10:15:42', newFile: '新しいファイル', names: ['見積書_2024年度.xlsx', '議事録 第3回.docx', '顧客名簿.csv'],
  },
  {
    id: 'zh-CN', pages: [936], banner: 'Windows 的可靠文件复制', started: '  开始时间:', source: '        源:', dest: '      目标:',
    header: '                  总数        复制        跳过       不匹配        失败        其他',
    rows: ['       目录:', '       文件:', '       字节:', '       时间:', '       速度:', '   已结束:'],
    date: '2024年3月5日 10:15:42', newFile: '新文件', names: ['财务报表.xlsx', '会议纪要 第三次.docx', '客户名单.csv'],
  },
  {
    id: 'zh-TW', pages: [950], banner: 'Windows 的穩固檔案複製', started: '  開始:', source: '     來源 :', dest: '     目的地 :',
    header: '                  總計      已複製      已略過      不相符        失敗        額外',
    rows: ['       目錄:', '       檔案:', '      位元組:', '       時間:', '       速度:', '   結束:'],
    date: '2024年3月5日 上午 10:15:42', newFile: '新檔案', names: ['財務報表.xlsx', '會議記錄 第三次.docx', '客戶名單.csv'],
  },
  {
    id: 'ko', pages: [949], banner: 'Windows용 견고한 파일 복사', started: '  시작:', source: '   원본 :', dest: '     대상 :',
    header: '                  전체    복사됨    건너뜀    불일치      실패      기타',
    rows: ['     디렉터리:', '       파일:', '      바이트:', '       시간:', '       속도:', '   종료:'],
    date: '2024년 3월 5일 화요일 오전 10:15:42', newFile: '새 파일', names: ['견적서_2024년.xlsx', '회의록 3차.docx', '고객 명단.csv'],
  },
];

const D79 = '-'.repeat(79);
const D78 = '-'.repeat(78);

/**
 * The text of one log. `length` 'short' names no files (a log of a run that copied nothing: only
 * the labels and dates are not ASCII, the hardest case); 'long' lists every name under a few
 * directories, as /FP file lines.
 */
export function sampleLogText(l: Locale, length: 'short' | 'long'): string {
  const root = 'D:\\Daten\\';
  const files = length === 'long' ? [1, 2, 3, 4].flatMap((d) => l.names.map((n) => `${root}${l.names[d % l.names.length].replace(/\..*$/, '')}\\${n}`)) : [];
  const lines = [
    '', D79, `   ROBOCOPY     ::     ${l.banner}`, D79, '',
    `${l.started} ${l.date}`, `${l.source} ${root}`, `${l.dest} E:\\Sicherung\\`, '',
    '  Options : *.* /S /E /DCOPY:DA /COPY:DAT /R:1 /W:5 ', '', D78, '',
    ...files.map((f, i) => `\t    ${l.newFile}  \t\t  ${1000 + i * 37}\t${f}`),
    '', D78, '', l.header,
    `${l.rows[0]}         5         4         1         0         0         0`,
    `${l.rows[1]}        ${String(12 + files.length).padStart(2)}        ${String(files.length).padStart(2)}        12         0         0         0`,
    `${l.rows[2]}   1.250 m   250.5 k      1 m         0         0         0`,
    `${l.rows[3]}   0:00:02   0:00:01                       0:00:00   0:00:01`,
    '', '', `${l.rows[4]}              256500 B/s`, `${l.rows[4]}              14.676 MB/min`,
    `${l.rows[5]} ${l.date}`, '',
  ];
  return lines.join('\r\n');
}

export interface SampleLog {
  name: string;
  page: number;
  text: string;
  bytes: Buffer;
}

/** Every locale in each of its pages, short and long; only texts the page can hold exactly. */
export function sampleLogs(): SampleLog[] {
  const out: SampleLog[] = [];
  for (const l of LOCALES) {
    for (const page of l.pages) {
      for (const length of ['short', 'long'] as const) {
        const text = sampleLogText(l, length);
        const bytes = iconv.encode(text, `cp${page}`);
        if (iconv.decode(bytes, `cp${page}`) !== text) throw new Error(`sample ${l.id} does not fit cp${page}`);
        out.push({ name: `${l.id}-cp${page}-${length}`, page, text, bytes });
      }
    }
  }
  return out;
}
