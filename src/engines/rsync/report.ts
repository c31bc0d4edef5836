import { emptyStats } from '../../api';
import type { RsyncParseRequest, RsyncReport } from './parse-protocol';
import { parseStatsBlock } from './stats-block';
import { parseRsyncErrors } from './stderr-parser';

/** stdout lines (not errors) that change what the result means. */
const NOTES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^IO error encountered -- skipping file deletion/, 'rsync skipped deletions because of I/O errors (mirror incomplete)'],
  [/^Deletions stopped due to --max-delete limit/, 'deletions stopped at the --max-delete limit'],
  [/^cannot delete non-empty directory: /, 'some non-empty directories could not be deleted'],
];

/**
 * Turns rsync's stdout and stderr into robocurse's counters. Pure; `sizeOf` (given by the
 * worker) supplies the size of a failed source file for `bytesFailed`.
 *
 * rsync counts a file whose transfer failed as transferred, so failed transfers are taken off
 * `filesCopied` and `bytesCopied`; `filesSkipped` are regular files rsync found up to date.
 * Vanished files are errors but not failures: they are no longer there to copy.
 */
export function parseRsyncOutput(req: RsyncParseRequest, sizeOf?: (path: string) => number | undefined): RsyncReport {
  const block = parseStatsBlock(req.stdout);
  const errors = parseRsyncErrors(req.stderr);
  const notes: string[] = [];
  for (const line of req.stdout.split(/[\r\n]+/)) {
    for (const [re, note] of NOTES) if (re.test(line) && !notes.includes(note)) notes.push(note);
  }
  const vanished = errors.filter((e) => e.vanished).length;
  if (vanished > 0) notes.push(`${vanished} source file(s) vanished during the copy`);

  const stats = emptyStats();
  const failed = errors.filter((e) => !e.vanished);
  const failedPaths = new Set(failed.map((e) => e.path));
  const transferFailures = new Set(failed.filter((e) => e.transfer).map((e) => e.path));
  let bytesFailed = 0;
  if (sizeOf) for (const p of transferFailures) bytesFailed += sizeOf(p) ?? 0;
  stats.filesFailed = failedPaths.size;
  stats.bytesFailed = bytesFailed;
  if (block) {
    const transferred = block.regularFilesTransferred ?? 0;
    stats.filesCopied = Math.max(0, transferred - transferFailures.size);
    stats.bytesCopied = Math.max(0, (block.transferredFileSize ?? 0) - bytesFailed);
    if (block.regularFiles !== undefined) stats.filesSkipped = Math.max(0, block.regularFiles - transferred);
    if (block.totalFileSize !== undefined) stats.bytesSkipped = Math.max(0, block.totalFileSize - (block.transferredFileSize ?? 0));
    stats.extrasRemoved = block.deletedFiles ?? 0;
    stats.dirsCreated = block.createdDirs ?? 0;
  }
  return { statsFound: block !== null, totals: block ?? {}, stats, errors, notes };
}
