import { displayName } from '../fs/byte-names';
import { displayNames } from '../fs/display-names';
import type { CountRow, LogFileSummary, LogJob } from './types';

/** Names as bytes shown as \xNN, and control characters too: a log's names must not drive the terminal. */
function shown(s: string): string {
  return displayName(s).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
}

const COLUMNS = ['total', 'copied', 'skipped', 'mismatch', 'failed', 'extras'] as const;

function row(label: string, r: CountRow): string {
  return `  ${label.padEnd(6)}${COLUMNS.map((c) => String(r[c]).padStart(14)).join('')}`;
}

function jobLines(j: LogJob): string[] {
  const lines = [`job ${j.index}: ${j.complete ? 'complete' : 'INCOMPLETE (no closing summary)'}${j.exitCode !== undefined ? `, exit code ${j.exitCode}` : ''}` +
    `${j.failed ? `, ${j.failed} failed` : ''}${j.vanished ? `, ${j.vanished} vanished from the source` : ''}`];
  if (j.dirs || j.files || j.bytes) lines.push(`  ${''.padEnd(6)}${COLUMNS.map((c) => c.padStart(14)).join('')}`);
  if (j.dirs) lines.push(row('dirs', j.dirs));
  if (j.files) lines.push(row('files', j.files));
  if (j.bytes) lines.push(row('bytes', j.bytes));
  if (j.speedBytesPerSec !== undefined) lines.push(`  speed: ${j.speedBytesPerSec} bytes/s`);
  if (j.ended) lines.push(`  ended: ${shown(j.ended)}`);
  return lines;
}

/** One log's summary for people: per job the counts, then every failed entry and warning. */
export function renderLogSummaryText(s: LogFileSummary): string {
  if (s.unusable) return `== ${shown(s.file)}: ${shown(s.unusable)}\n`;
  const lines = [`== ${shown(s.file)}: ${s.tool} log (${s.encoding === 'bytes' ? 'names as bytes' : s.encoding}), ${s.jobs.length} job(s), ${s.failed.length} failed entr${s.failed.length === 1 ? 'y' : 'ies'}`];
  for (const j of s.jobs) lines.push(...jobLines(j));
  if (s.failed.length > 0) {
    lines.push(`failed (${s.failed.length}):`);
    for (const f of s.failed) lines.push(`  [${f.job ? `job ${f.job}` : 'no summary'}] ${f.code} ${shown(f.path)}: ${shown(f.message)}`);
  }
  for (const w of s.warnings) lines.push(`warning: ${shown(w)}`);
  return `${lines.join('\n')}\n`;
}

/** One log's summary as a JSON line (names that are not UTF-8 read as \xNN). */
export function renderLogSummaryJson(s: LogFileSummary): string {
  return `${JSON.stringify(displayNames({ type: 'log', ...s }))}\n`;
}

/**
 * What a log says, as an exit code: 2 when it cannot be read or is no robocopy or rsync log, 1
 * when a job failed entries, ended with an rsync error, or has no closing summary, else 0.
 */
export function logExitStatus(s: LogFileSummary): 0 | 1 | 2 {
  if (s.unusable) return 2;
  const bad = s.failed.length > 0 || s.warnings.length > 0 || s.jobs.length === 0
    || s.jobs.some((j) => !j.complete || j.failed > 0 || (j.exitCode !== undefined && j.exitCode !== 0 && j.exitCode !== 24));
  return bad ? 1 : 0;
}
