import type { CopyProgress } from '../../api';
import { parseRsyncInt } from './stats-block';
import { unescapeRsyncName } from './unescape';

/** One `--info=progress2` line: cumulative bytes of the whole transfer, and files so far. */
export interface Progress2Line {
  bytes: number;
  percent: number;
  /** `xfr#N`: files transferred so far (absent until the first file completes). */
  transfers?: number;
}

// `  1,234,567  45%  12.34MB/s    0:00:01 (xfr#3, to-chk=10/20)`; `ir-chk` while rsync is still
// listing (incremental recursion). The rate is human-readable even with --no-h: ignored.
const PROGRESS2 = /^\s*(\d[\d,.']*)\s+(\d{1,3})%\s+\S+\s+\d+:\d{2}:\d{2}(?:\s+\(xfr#(\d+), (?:to|ir)-chk=\d+\/\d+\))?\s*$/;

/** Parses a progress2 line; undefined for any other line. */
export function parseProgress2Line(line: string): Progress2Line | undefined {
  const m = line.match(PROGRESS2);
  if (!m) return undefined;
  const bytes = parseRsyncInt(m[1]);
  if (bytes === undefined) return undefined;
  return { bytes, percent: Number(m[2]), transfers: m[3] === undefined ? undefined : Number(m[3]) };
}

/** `%i %l %n` lines: `>f+++++++++ 12 dir/name`, `cd+++++++++ 4096 dir/`, `*deleting   0 name`. */
const ITEMIZE = /^([<>ch.][fdLDS][^ ]{9}|\*deleting  ) (\d+) (.*)$/;

/** A per-file line: its itemize code, size (bytes) and name; undefined for any other line. */
export function parseItemizeLine(line: string): { code: string; size: number; name: string } | undefined {
  const m = line.match(ITEMIZE);
  return m ? { code: m[1], size: Number(m[2]), name: unescapeRsyncName(m[3]) } : undefined;
}

/**
 * What an itemize line means for the per-file log: a regular file (or link) sent is new when
 * every attribute column is '+', else an update; directories, attribute-only changes and
 * deletions (reported as deletions) are not file actions.
 */
export function itemizeAction(code: string): 'new' | 'update' | undefined {
  if (code.startsWith('*')) return undefined;
  const [what, type] = [code[0], code[1]];
  if (type === 'd') return undefined;
  if (what === '<' || what === '>' || (what === 'c' && type !== 'd') || what === 'h') return /^\++$/.test(code.slice(2)) ? 'new' : 'update';
  return undefined;
}

/**
 * Live counters of one job from its stdout lines. Monotonic by construction: rsync's counters
 * only grow, but a line from an earlier phase (the dry-run or deletion pass) must never pull
 * them back, so each is the maximum seen.
 */
export class ProgressTracker {
  private bytes = 0;
  private files = 0;
  private current: string | undefined;

  /** Feeds one line; returns 'progress', 'item' or undefined (any other line). */
  feed(line: string): 'progress' | 'item' | undefined {
    const p = parseProgress2Line(line);
    if (p) {
      this.bytes = Math.max(this.bytes, p.bytes);
      if (p.transfers !== undefined) this.files = Math.max(this.files, p.transfers);
      return 'progress';
    }
    const item = parseItemizeLine(line);
    if (item) {
      if (item.code[1] === 'f' && (item.code[0] === '>' || item.code[0] === '<')) this.current = item.name;
      return 'item';
    }
    return undefined;
  }

  snapshot(): CopyProgress {
    return this.current === undefined
      ? { bytesCopied: this.bytes, filesCopied: this.files }
      : { bytesCopied: this.bytes, filesCopied: this.files, currentFile: this.current };
  }
}
