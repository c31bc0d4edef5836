import type { CopyProgress } from '../../api';
import { createStreamDecoder, LineSplitter, type StreamDecoder } from './log/decoder';
import { detectLogEncoding } from './log/encoding';

/**
 * A file line with /BYTES: `\t<class>\t\t<size>\t<path>` (class localised, may be blank; path
 * full with /FP). Without /BYTES the size may carry a k/m/g suffix, accepted for robustness.
 */
// After the tabs only spaces may pad the size: `\t+\s*` would let both quantifiers claim the same
// tabs, and a line of tabs would cost quadratic time.
const FILE_LINE = /^\t[^\t]*\t+[ \u00a0]*(\d+(?:[.,]\d+)?)(?:\s?([kmgt]))?\t(.+)$/i;
/** `\t*EXTRA Dir        -1\tD:\\old\\`: an extra directory, its size (-1) inside the class column. */
const EXTRA_DIR_LINE = /^\t *\*[^\t]*?[ \u00a0](-1)()\t(.+)$/;
const PERCENT = /^\s*(\d{1,3}(?:[.,]\d+)?)%\s*$/;
const ERROR_LINE = /^\s*\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\S.*?\s\d+\s+\(0x[0-9A-Fa-f]{8}\)/;
const SUFFIX: Readonly<Record<string, number>> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Hears the console's per-file lines (class as written, size, full path) and ERROR lines. */
export interface ConsoleLineListener {
  onFile(cls: string, size: number, path: string): void;
  onError(): void;
}

interface CurrentFile {
  path: string;
  size: number;
  /** 0–100, from the `  12%` redraws. */
  percent: number;
}

/**
 * Turns robocopy's console output (/TEE) into live byte counts while it runs: bytes of files
 * already finished plus the finished fraction of the current one. Robocopy redraws the percentage
 * on the same line with bare CRs (`name\r  0%\r 12%\r100%\r\n`), so CR is a line break here.
 * A file is finished at 100% or when the next file line starts; one followed by an ERROR block is
 * not counted. Extras (`*EXTRA File`, whose class starts with '*') and directory lines (path
 * ending in a separator) are not copies. Counters never decrease.
 */
export class RobocopyStdoutProgress {
  private decoder: StreamDecoder | null = null;
  private readonly splitter = new LineSplitter();
  private completedBytes = 0;
  private completedFiles = 0;
  private current: CurrentFile | null = null;
  private last: CopyProgress = { bytesCopied: 0, filesCopied: 0 };

  /**
   * @param onChange called with the new counters whenever they grow (or the current file changes)
   * @param codePage OEM code page of the console output when it is neither UTF-16 nor UTF-8
   * @param lines per-file lines and ERROR lines as they come (file-actions.ts)
   */
  constructor(private readonly onChange: (p: CopyProgress) => void, private readonly codePage?: number | string, private readonly lines?: ConsoleLineListener) {}

  /** Latest counters (monotonic). */
  progress(): CopyProgress { return { ...this.last }; }

  /** Console lines cut to the length bound (MAX_LINE_CHARS) so far. */
  get truncatedLines(): number { return this.splitter.truncatedLines; }

  /** The file being copied and whether it is incomplete (for clean-up after a kill). */
  unfinishedFile(): string | undefined {
    return this.current && this.current.percent < 100 ? this.current.path : undefined;
  }

  write(chunk: Buffer): void {
    // The console's encoding is decided once, from the first bytes robocopy writes.
    this.decoder ??= createStreamDecoder(detectLogEncoding(chunk, [], { codePage: this.codePage }).encoding);
    this.splitter.push(this.decoder.write(chunk), (line) => this.line(line));
    // Robocopy may put the CR before each redraw ("\r 25%  "), so the newest percentage sits
    // unterminated until the next one; read it now (percentages only grow, reading twice is safe).
    // Only a short rest can be a percentage; never rebuild a long one on every write.
    if (this.splitter.pendingLength() <= 32) {
      const rest = this.splitter.pending();
      if (PERCENT.test(rest)) this.line(rest);
    }
    this.emit();
  }

  end(): void {
    if (this.decoder) this.splitter.push(this.decoder.end(), (line) => this.line(line));
    this.splitter.flush((line) => this.line(line));
    this.emit();
  }

  /**
   * The job's final counters (from its log), once it ended normally. With /MT robocopy prints no
   * percentages, so the last file is known finished only here; counters still never decrease.
   */
  settle(final: { bytesCopied: number; filesCopied: number }): void {
    const next = { bytesCopied: Math.max(this.last.bytesCopied, final.bytesCopied), filesCopied: Math.max(this.last.filesCopied, final.filesCopied) };
    if (next.bytesCopied === this.last.bytesCopied && next.filesCopied === this.last.filesCopied && this.last.currentFile === undefined) return;
    this.current = null;
    this.last = next;
    this.onChange({ ...next });
  }

  private line(line: string): void {
    const pct = PERCENT.exec(line);
    if (pct) {
      if (this.current) this.current.percent = Math.min(100, Math.max(this.current.percent, Number(pct[1].replace(',', '.'))));
      return;
    }
    if (ERROR_LINE.test(line)) { this.current = null; this.lines?.onError(); return; }
    const file = FILE_LINE.exec(line) ?? EXTRA_DIR_LINE.exec(line);
    if (!file) return;
    const cls = line.split('\t')[1].trim().replace(/\s+-?\d+$/, '');
    const filePath = file[3].trim();
    const n = Number(file[1].replace(',', '.'));
    const size = file[2] ? Math.round(n * SUFFIX[file[2].toLowerCase()]) : n;
    this.finishCurrent();
    this.lines?.onFile(cls, size, filePath);
    if (cls.startsWith('*') || /[\\/]$/.test(filePath)) return;
    this.current = { path: filePath, size, percent: 0 };
  }

  private finishCurrent(): void {
    if (!this.current) return;
    this.completedBytes += this.current.size;
    this.completedFiles++;
    this.current = null;
  }

  private emit(): void {
    const c = this.current;
    const bytes = this.completedBytes + (c ? Math.floor((c.size * c.percent) / 100) : 0);
    const next: CopyProgress = {
      bytesCopied: Math.max(this.last.bytesCopied, bytes),
      filesCopied: Math.max(this.last.filesCopied, this.completedFiles + (c && c.percent >= 100 ? 1 : 0)),
      currentFile: c?.path,
    };
    if (next.bytesCopied !== this.last.bytesCopied || next.filesCopied !== this.last.filesCopied || next.currentFile !== this.last.currentFile) {
      this.last = next;
      this.onChange({ ...next });
    }
  }
}
