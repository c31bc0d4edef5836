import { matchSpeed, parseLocalisedNumber, parseSizeColumns, parseTimeColumns } from './numbers';
import type { RobocopyJobSummary, RobocopyLogError, RobocopyNameLine, SummaryRow } from './types';

/**
 * File lines kept from one log: only names that are not ASCII (or hold a '?') may need their
 * exact name (file-actions.ts), so an ASCII tree costs nothing however large; a bound keeps a
 * huge non-ASCII one flat too.
 */
export const MAX_NAME_LINES = 100_000;
/**
 * A per-file line: a tab, the class (words, an `*EXTRA` marker), the size, a tab, the full path.
 * Recognised by structure, like the rest of the log: the class words are localised.
 */
const FILE_LINE = /^\t\s*(\*?[^\s\d][^\t]*?)\s*(?:\t+\s*|\s+)(-?\d+)\t(.+)$/;
/** Non-ASCII, or a '?' (what a console shows for a character its code page lacks). */
// eslint-disable-next-line no-control-regex
const NAME_LINE = /[^\x00-\x7f]|\?/;

/** The job banner. "ROBOCOPY" and "::" are never localised (the rest of the line may be). */
const BANNER = /^\s*ROBOCOPY\s+::/;
const DASHES = /^\s*-{20,}\s*$/;
/** `label : rest` — every summary line, in every locale, has this shape. */
const LABELLED = /^\s*([^:]*?)\s*:\s*(.*)$/;
/**
 * An ERROR line, recognised by structure, not by the localised word: timestamp, one or more
 * words (ERROR, ОШИБКА, FEHLER, ERREUR, エラー, ERRO, ...), the Windows error number and its hex
 * form, then the action and the path.
 */
const ERROR_LINE = /^\s*(\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\s+\d{1,2}:\d{2}:\d{2})\s+\S.*?\s(\d+)\s+\((0x[0-9A-Fa-f]{8})\)\s*(.*)$/;
/** Where the path starts inside "action path": a drive, a UNC prefix or a POSIX root. */
const ACTION_PATH = /^(.*?)\s*((?:[A-Za-z]:[\\/]|\\\\|\/).*)$/;

/**
 * A copy of `s` that does not pin its source. Lines are slices of a decoded chunk of ~1 MB, and
 * V8 keeps the whole chunk alive for as long as any slice of it lives: keeping a few hundred
 * error paths as slices would hold hundreds of MB of a large log. Through UTF-16 code units, not
 * UTF-8: a lone surrogate (a Windows name may hold one; on POSIX the byte-names.ts escape of a
 * byte that is not UTF-8) stays itself instead of turning into U+FFFD.
 */
function detach(s: string): string {
  return Buffer.from(s, 'utf16le').toString('utf16le');
}

/** How far a summary has got: the table is Dirs, Files, Bytes, Times, then Speed lines, Ended. */
interface Partial {
  rows: SummaryRow[];
  summary?: RobocopyJobSummary;
}

/**
 * Reads a robocopy log line by line (lines already decoded and split at CR and LF) and collects
 * each job's summary table and error blocks. Nothing here depends on the words of the log: the
 * summary is found by position (the dashed line, one header line, then rows of `label : six
 * numbers`), so a log in any language parses the same. Never throws on malformed input.
 */
export class RobocopyLogLineParser {
  private readonly jobs: RobocopyJobSummary[] = [];
  private readonly warnings: string[] = [];
  private lineCount = 0;
  /** Non-blank lines since the last dashed line; -1 when no dashed line is open. */
  private sinceDashes = -1;
  private jobOpen = false;
  private jobNumber = 0;
  private errors = new Map<string, RobocopyLogError>();
  private pendingError: RobocopyLogError | null = null;
  private table: Partial | null = null;

  /** Feeds one line (without its line break). */
  feed(line: string): void {
    this.lineCount++;
    if (line.trim() === '') return;
    if (this.pendingError) {
      const next = line.trim();
      if (!ERROR_LINE.test(line) && !DASHES.test(line) && !BANNER.test(line)) {
        this.pendingError.message = detach(next);
        this.pendingError = null;
        return;
      }
      this.pendingError = null;
    }
    if (BANNER.test(line)) {
      this.closeTable();
      this.closeJob();
      this.jobOpen = true;
      this.jobNumber++;
      this.sinceDashes = -1;
      return;
    }
    if (DASHES.test(line)) {
      this.closeTable();
      this.sinceDashes = 0;
      return;
    }
    const err = ERROR_LINE.exec(line);
    if (err) { this.recordError(err); return; }
    if (!this.table && NAME_LINE.test(line)) {
      const file = FILE_LINE.exec(line);
      if (file) this.recordName(file);
    }
    if (this.table) { this.continueTable(line); return; }
    if (this.sinceDashes >= 0) {
      this.sinceDashes++;
      // The header line (column names, localised) is the first; rows start at the second. One
      // extra line of slack tolerates a header that wrapped.
      if (this.sinceDashes >= 2 && this.sinceDashes <= 3) {
        const m = LABELLED.exec(line);
        const row = m ? parseSizeColumns(m[2]) : null;
        if (row) {
          this.jobOpen = true;
          this.table = { rows: [row] };
        }
      }
    }
  }

  /** Ends the input; returns complete summaries and warnings about incomplete ones. */
  finish(): { jobs: RobocopyJobSummary[]; warnings: string[]; lines: number } {
    this.closeTable();
    if (this.jobOpen) this.closeJob();
    return { jobs: this.jobs, warnings: this.warnings, lines: this.lineCount };
  }

  private continueTable(line: string): void {
    const t = this.table!;
    const m = LABELLED.exec(line);
    if (t.rows.length < 3) {
      const row = m ? parseSizeColumns(m[2]) : null;
      if (row) {
        t.rows.push(row);
        if (t.rows.length === 3) {
          t.summary = { dirs: t.rows[0], files: t.rows[1], bytes: t.rows[2], errors: [] };
        }
      } else {
        this.warnings.push(`line ${this.lineCount}: summary table ends after ${t.rows.length} of 3 rows`);
        this.table = null;
      }
      return;
    }
    const s = t.summary!;
    if (!m) { this.closeTable(); return; }
    const times = s.times === undefined && s.speedBytesPerSec === undefined ? parseTimeColumns(m[2]) : null;
    if (times) { s.times = times; return; }
    const speed = matchSpeed(m[2]);
    if (speed && s.speedMegaBytesPerMin === undefined) {
      // By position: the first Speed line is bytes/s, the second MB/min (units are localised).
      if (s.speedBytesPerSec === undefined) s.speedBytesPerSec = parseLocalisedNumber(speed.number, true);
      else s.speedMegaBytesPerMin = parseLocalisedNumber(speed.number, false);
      return;
    }
    // Any other labelled line after the table is the Ended line; it closes the summary.
    s.ended = detach(m[2].trim());
    this.closeTable();
  }

  private closeTable(): void {
    const t = this.table;
    this.table = null;
    this.sinceDashes = -1;
    if (!t) return;
    if (!t.summary) {
      this.warnings.push(`job ${Math.max(this.jobNumber, 1)}: summary table is incomplete (${t.rows.length} of 3 rows; truncated log?)`);
      return;
    }
    t.summary.errors = [...this.errors.values()];
    this.jobs.push(t.summary);
    this.errors = new Map();
    this.jobOpen = false;
  }

  private closeJob(): void {
    if (!this.jobOpen) return;
    this.jobOpen = false;
    this.warnings.push(`job ${Math.max(this.jobNumber, 1)}: no summary found (robocopy was stopped, or the log is truncated)`);
    // Its errors are still worth reporting, but not inside a summary: totals must stay exactly
    // what robocopy itself printed.
    this.orphanErrors.push(...this.errors.values());
    this.errors = new Map();
  }

  /** Errors of jobs that never printed a summary (a killed or truncated run). */
  readonly orphanErrors: RobocopyLogError[] = [];

  /** Non-ASCII file lines of every job (a killed job's too), up to MAX_NAME_LINES. */
  readonly nameLines: RobocopyNameLine[] = [];

  private recordName(m: RegExpExecArray): void {
    this.jobOpen = true;
    if (this.nameLines.length < MAX_NAME_LINES && NAME_LINE.test(m[3])) this.nameLines.push({ cls: detach(m[1].trim()), path: detach(m[3]) });
  }

  private recordError(m: RegExpExecArray): void {
    this.jobOpen = true;
    const rest = m[4].trim();
    const split = ACTION_PATH.exec(rest);
    const action = detach(split ? split[1] : rest);
    const path = detach(split ? split[2].trim() : '');
    const previous = this.errors.get(path);
    const error: RobocopyLogError = {
      timestamp: detach(m[1]), code: Number(m[2]), hex: m[3], action, path, message: '',
      occurrences: (previous?.occurrences ?? 0) + 1,
    };
    // Re-inserting would move the path to the end; keep the order of first sight.
    if (previous) Object.assign(previous, error); else this.errors.set(path, error);
    this.pendingError = previous ?? error;
  }
}
