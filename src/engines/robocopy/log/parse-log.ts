import * as fs from 'node:fs';
import { MAX_LINE_CHARS } from '../../bounded-lines';
import { createStreamDecoder, LineSplitter } from './decoder';
import { detectLogEncoding, type EncodingChoice } from './encoding';
import { RobocopyLogLineParser } from './line-parser';
import { zeroRow, type LogEncoding, type ParsedRobocopyLog, type ParseLogOptions, type RobocopyJobSummary, type SummaryRow } from './types';

const HEAD_BYTES = 64 * 1024;
const TAIL_BYTES = 64 * 1024;
const MIDDLE_WINDOWS = 6;
const MIDDLE_BYTES = 16 * 1024;

function addRow(a: SummaryRow, b: SummaryRow): SummaryRow {
  return {
    total: a.total + b.total, copied: a.copied + b.copied, skipped: a.skipped + b.skipped,
    mismatch: a.mismatch + b.mismatch, failed: a.failed + b.failed, extras: a.extras + b.extras,
  };
}

/** A result for a log that could not be used at all: zero counts, `parsed: false`, a warning. */
export function unparsedLog(warning: string, bytesRead = 0): ParsedRobocopyLog {
  return {
    parsed: false, encoding: null, encodingReason: 'none', jobs: [],
    totals: { dirs: zeroRow(), files: zeroRow(), bytes: zeroRow() },
    errors: [], nameLines: [], warnings: [warning], bytesRead, lines: 0,
  };
}

function assemble(
  out: { jobs: RobocopyJobSummary[]; warnings: string[]; lines: number },
  orphanErrors: ParsedRobocopyLog['errors'],
  nameLines: ParsedRobocopyLog['nameLines'],
  choice: EncodingChoice,
  bytesRead: number,
): ParsedRobocopyLog {
  const totals = { dirs: zeroRow(), files: zeroRow(), bytes: zeroRow() };
  for (const j of out.jobs) {
    totals.dirs = addRow(totals.dirs, j.dirs);
    totals.files = addRow(totals.files, j.files);
    totals.bytes = addRow(totals.bytes, j.bytes);
  }
  const warnings = [...out.warnings];
  if (out.jobs.length === 0 && warnings.length === 0) warnings.push('no robocopy summary found in the log');
  return {
    parsed: out.jobs.length > 0 && out.warnings.length === 0,
    encoding: choice.encoding, encodingReason: choice.reason, jobs: out.jobs, totals,
    errors: [...out.jobs.flatMap((j) => j.errors), ...orphanErrors],
    nameLines,
    warnings, bytesRead, lines: out.lines,
  };
}

/**
 * The pure streaming parser: feeds `chunks` (already known to be in `choice.encoding`) through
 * a decoder, a line splitter and the line parser. Memory stays bounded by one chunk plus the
 * longest line, whatever the size of the log.
 */
export async function parseRobocopyLogChunks(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, choice: EncodingChoice): Promise<ParsedRobocopyLog> {
  const decoder = createStreamDecoder(choice.encoding);
  const splitter = new LineSplitter();
  const parser = new RobocopyLogLineParser();
  const feed = (line: string): void => parser.feed(line);
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.length;
    splitter.push(decoder.write(chunk), feed);
  }
  splitter.push(decoder.end(), feed);
  splitter.flush(feed);
  const log = assemble(parser.finish(), parser.orphanErrors, parser.nameLines, choice, bytes);
  if (splitter.truncatedLines > 0) log.warnings.push(`${splitter.truncatedLines} log line(s) longer than ${MAX_LINE_CHARS} characters were cut short`);
  return log;
}

/** Detects the encoding of an in-memory log and parses it (tests, small logs). */
export async function parseRobocopyLogBuffer(buf: Buffer, opts: ParseLogOptions = {}): Promise<ParsedRobocopyLog> {
  if (buf.length === 0) return unparsedLog('log is empty');
  if (opts.encoding) return parseRobocopyLogChunks([buf], knownEncoding(opts.encoding));
  const tail = buf.subarray(Math.max(0, buf.length - TAIL_BYTES));
  const choice = detectLogEncoding(buf.subarray(0, HEAD_BYTES), buf.length > HEAD_BYTES ? [tail] : [], opts);
  return parseRobocopyLogChunks([buf], choice);
}

function knownEncoding(encoding: LogEncoding): EncodingChoice {
  return { encoding, bomLength: 0, reason: 'known' };
}

async function readWindow(fh: fs.promises.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** Reads the head, a few windows between and the tail, and detects the encoding from them. */
async function sampleAndDetect(fh: fs.promises.FileHandle, size: number, opts: ParseLogOptions): Promise<EncodingChoice> {
  const head = await readWindow(fh, 0, Math.min(HEAD_BYTES, size));
  const others: Buffer[] = [];
  if (size > HEAD_BYTES + TAIL_BYTES) {
    const span = size - HEAD_BYTES - TAIL_BYTES;
    for (let i = 1; i <= MIDDLE_WINDOWS; i++) {
      // Even offsets keep UTF-16 code units aligned in every window.
      const at = (HEAD_BYTES + Math.floor((span * i) / (MIDDLE_WINDOWS + 1))) & ~1;
      others.push(await readWindow(fh, at, MIDDLE_BYTES));
    }
  }
  if (size > HEAD_BYTES) others.push(await readWindow(fh, Math.max(HEAD_BYTES, size - TAIL_BYTES) & ~1, TAIL_BYTES));
  return detectLogEncoding(head, others, opts);
}

/**
 * Parses a robocopy log file as a stream (logs can be hundreds of MB). The encoding is detected
 * from a few sampled windows read by position; the file is then streamed once. A missing, empty
 * or truncated log gives zero counts, `parsed: false` and a warning — never an exception.
 */
export async function parseRobocopyLogFile(logPath: string, opts: ParseLogOptions = {}): Promise<ParsedRobocopyLog> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(logPath, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return unparsedLog(code === 'ENOENT' ? `log not found: ${logPath}` : `log cannot be read (${code ?? String(err)}): ${logPath}`);
  }
  let choice: EncodingChoice;
  try {
    const { size } = await fh.stat();
    if (size === 0) return unparsedLog(`log is empty: ${logPath}`);
    choice = opts.encoding ? knownEncoding(opts.encoding) : await sampleAndDetect(fh, size, opts);
  } catch (err) {
    return unparsedLog(`log cannot be read: ${(err as Error).message}`);
  } finally {
    await fh.close();
  }
  try {
    return await parseRobocopyLogChunks(fs.createReadStream(logPath, { highWaterMark: 1 << 20 }), choice);
  } catch (err) {
    return unparsedLog(`log cannot be read: ${(err as Error).message}`);
  }
}
