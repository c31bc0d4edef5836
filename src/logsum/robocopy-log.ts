import { parseRobocopyLogFile } from '../engines/robocopy/log/parse-log';
import type { FailedEntry, LogJob } from './types';

/** A robocopy log (any locale, code page or UTF-16, jobs appended with /LOG+) in the summary's terms. */
export async function summarizeRobocopyLog(file: string, codePage?: string): Promise<{ encoding: string | null; jobs: LogJob[]; failed: FailedEntry[]; warnings: string[] }> {
  const log = await parseRobocopyLogFile(file, { codePage });
  const failed: FailedEntry[] = [];
  const jobs: LogJob[] = log.jobs.map((j, i) => {
    for (const e of j.errors) failed.push({ path: e.path, code: String(e.code), message: `${e.action}: ${e.message}${e.occurrences > 1 ? ` (${e.occurrences} times)` : ''}`, job: i + 1 });
    return {
      index: i + 1, complete: true, dirs: j.dirs, files: j.files, bytes: j.bytes, failed: j.files.failed + j.dirs.failed,
      ...(j.ended !== undefined ? { ended: j.ended } : {}), ...(j.speedBytesPerSec !== undefined ? { speedBytesPerSec: j.speedBytesPerSec } : {}),
    };
  });
  const listed = new Set(log.jobs.flatMap((j) => j.errors));
  for (const e of log.errors) {
    if (!listed.has(e)) failed.push({ path: e.path, code: String(e.code), message: `${e.action}: ${e.message}`, job: 0 });
  }
  return { encoding: log.encoding, jobs, failed, warnings: log.warnings };
}
