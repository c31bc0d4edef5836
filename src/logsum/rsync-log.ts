import * as fs from 'node:fs';
import { decodeName } from '../fs/byte-names';
import { MAX_LINE_CHARS } from '../engines/bounded-lines';
import { parseRsyncOutput } from '../engines/rsync/report';
import type { FailedEntry, LogJob } from './types';

/** `--log-file` lines: `2024/03/05 22:12:01 [4711] text`; the pid tells interleaved runs apart. */
const LOGFILE_PREFIX = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[(\d+)\] /;
/** One line per file (`--itemize-changes`, `%i %n`): counted, not kept. */
const ITEMIZE = /^([<>ch.*])([fdLDS])[.+?a-zA-Z]{9,10} /;
const DELETING = /^\*deleting /;
/** `--info=progress2` and `--progress` lines. */
const PROGRESS = /^\s*[\d,.']+\s+\d{1,3}%\s/;
const START = /^(?:(?:sending|receiving) (?:incremental )?file list|building file list)\s*$/;
/** A run's last line: "total size is N" (output), "sent … received … total size N" (--log-file). */
const TOTAL_SIZE = /^(?:total size is |sent [\d,.']+ bytes\s+received [\d,.']+ bytes\s+total size )([\d,.']+)/;
const SENT = /^sent [\d,.']+ bytes\s+received/;
const EXIT = /^rsync (?:error|warning): .*\(code (\d+)\)/;

interface JobText {
  lines: string[];
  ended: boolean;
  sent?: string;
  transferred: number;
  deleted: number;
}

const newJob = (): JobText => ({ lines: [], ended: false, transferred: 0, deleted: 0 });

/**
 * Splits an rsync log into its runs — `--log-file` lines by process id, captured output (stdout,
 * stderr or both) at each run's closing "total size is" line — and keeps of each run only what a
 * summary needs: file lines are counted, progress lines dropped, so memory stays small for logs
 * of millions of files. Names are bytes: lines that are not UTF-8 keep them surrogate-escaped.
 */
class RsyncLogSplitter {
  readonly jobs: JobText[] = [];
  private readonly byPid = new Map<string, JobText>();
  private stream?: JobText;

  feed(raw: string): void {
    let line = raw;
    let job: JobText;
    const prefixed = LOGFILE_PREFIX.exec(line);
    if (prefixed) {
      line = line.slice(prefixed[0].length);
      let j = this.byPid.get(prefixed[1]);
      if (!j || (j.ended && START.test(line))) { j = newJob(); this.byPid.set(prefixed[1], j); this.jobs.push(j); }
      job = j;
    } else {
      if (line.trim() === '') return;
      const after = this.stream?.ended ?? false;
      // After a run's last line only its exit line may follow; anything else starts the next run.
      if (!this.stream || (after && !EXIT.test(line))) { this.stream = newJob(); this.jobs.push(this.stream); }
      job = this.stream;
    }
    const item = ITEMIZE.exec(line);
    if (item) { if (item[2] === 'f' && (item[1] === '<' || item[1] === '>')) job.transferred++; return; }
    if (DELETING.test(line)) { job.deleted++; return; }
    if (PROGRESS.test(line)) return;
    if (SENT.test(line)) job.sent = line.trim();
    if (TOTAL_SIZE.test(line)) job.ended = true;
    job.lines.push(line);
  }
}

function summarizeJob(t: JobText, index: number): { job: LogJob; failed: FailedEntry[] } {
  const text = t.lines.join('\n');
  const report = parseRsyncOutput({ stdout: text, stderr: text });
  const exits = [...text.matchAll(new RegExp(EXIT.source, 'gm'))].map((m) => Number(m[1]));
  const total = TOTAL_SIZE.exec(t.lines.find((l) => TOTAL_SIZE.test(l)) ?? '');
  const failures = report.errors.filter((e) => !e.vanished);
  const s = report.stats;
  const job: LogJob = { index, complete: t.ended, failed: s.filesFailed };
  if (report.statsFound) {
    job.files = { total: report.totals.regularFiles ?? report.totals.files ?? 0, copied: s.filesCopied, skipped: s.filesSkipped, mismatch: 0, failed: s.filesFailed, extras: s.extrasRemoved };
    job.bytes = { total: report.totals.totalFileSize ?? 0, copied: s.bytesCopied, skipped: s.bytesSkipped, mismatch: 0, failed: s.bytesFailed, extras: 0 };
  } else {
    // Without --stats a run says only which files it listed and the size of the whole set.
    if (t.transferred > 0 || t.deleted > 0) {
      job.files = { total: t.transferred, copied: Math.max(0, t.transferred - failures.filter((e) => e.transfer).length), skipped: 0, mismatch: 0, failed: s.filesFailed, extras: t.deleted };
    }
    if (total) job.bytes = { total: Number(total[1].replace(/[,.']/g, '')), copied: 0, skipped: 0, mismatch: 0, failed: 0, extras: 0 };
  }
  if (exits.length > 0) job.exitCode = Math.max(...exits);
  const vanished = report.errors.length - failures.length;
  if (vanished > 0) job.vanished = vanished;
  if (t.sent) job.ended = t.sent;
  return { job, failed: failures.map((e) => ({ path: e.path, code: e.code, message: e.message, job: index })) };
}

/** Reads an rsync log (any size) and summarizes each run in it. */
export async function summarizeRsyncLog(file: string): Promise<{ jobs: LogJob[]; failed: FailedEntry[]; warnings: string[] }> {
  const splitter = new RsyncLogSplitter();
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let cut = 0;
  const emit = (buf: Buffer): void => {
    const line = decodeName(buf);
    splitter.feed(line.length > MAX_LINE_CHARS ? (cut++, line.slice(0, MAX_LINE_CHARS)) : line);
  };
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] !== 10 && chunk[i] !== 13) continue;
      pending.push(chunk.subarray(start, i));
      emit(Buffer.concat(pending));
      pending = []; pendingLen = 0;
      start = i + 1;
    }
    // A line longer than the bound keeps only its start (memory stays bounded).
    if (pendingLen < MAX_LINE_CHARS * 4) { pending.push(Buffer.from(chunk.subarray(start))); pendingLen += chunk.length - start; }
  }
  if (pendingLen > 0) emit(Buffer.concat(pending));
  const jobs: LogJob[] = [];
  const failed: FailedEntry[] = [];
  splitter.jobs.forEach((t, i) => {
    const r = summarizeJob(t, i + 1);
    jobs.push(r.job);
    failed.push(...r.failed);
  });
  const warnings = jobs.filter((j) => !j.complete).map((j) => `job ${j.index}: no closing "total size is" line (rsync was stopped, or this is only part of its output)`);
  if (cut > 0) warnings.push(`${cut} log line(s) longer than ${MAX_LINE_CHARS} characters were cut short`);
  return { jobs, failed, warnings };
}
