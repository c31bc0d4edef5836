import { formatBytes, formatCount, formatDuration } from '../api/units';
import type { HistoryEntry } from '../state/status-query';
import type { ProfileRunRecord } from '../state/types';
import { sessionDurationMs, shortTime } from './session-times';

/** "4 files, 4.88 KiB copied, 3 unchanged" (or "would copy ..." for a dry run). */
export function copiedPhrase(p: Pick<ProfileRunRecord, 'filesCopied' | 'bytesCopied' | 'filesSkipped'>, dryRun: boolean): string {
  const what = `${formatCount(p.filesCopied)} file${p.filesCopied === 1 ? '' : 's'}, ${formatBytes(p.bytesCopied)}`;
  return `${dryRun ? `would copy ${what}` : `${what} copied`}, ${formatCount(p.filesSkipped)} unchanged`;
}

/**
 * `robocurse history` as text: one line per session (newest first), then one indented line per
 * profile run. Durations come from the recorded times: an interrupted session lasted until its
 * last record, not until now. Dry runs say what they would have copied.
 */
export function renderHistoryText(entries: readonly HistoryEntry[], now: Date = new Date()): string {
  if (entries.length === 0) return 'No runs recorded yet.\n';
  const lines: string[] = [];
  for (const e of entries) {
    const r = e.run;
    const outcome = e.state === 'ended' ? `${r.outcome ?? '?'} (exit ${r.exitCode ?? '?'})` : e.state === 'running' ? 'RUNNING' : 'INTERRUPTED';
    lines.push(`${shortTime(r.startedAt)}  ${outcome.padEnd(18)} ${formatDuration(sessionDurationMs(e, now)).padStart(6)}  ` +
      `session ${r.sessionId}${r.dryRun ? '  [dry run: nothing was written]' : ''}`);
    for (const p of e.profiles) {
      const pr = p.profileRun;
      const c = p.counts;
      const result = pr.result ?? (pr.endedAt ? '?' : e.state === 'running' ? 'running' : 'interrupted');
      lines.push(`    ${pr.profile.padEnd(20)} ${result.padEnd(11)} ` +
        `${pr.chunksTotal} chunks: ${c.Complete} ok, ${c.CompleteWithWarnings} warn, ${c.Failed} failed, ${c.Skipped} skipped` +
        `${c.Pending + c.Running > 0 ? `, ${c.Pending + c.Running} not done` : ''}; ` +
        `${copiedPhrase(pr, r.dryRun)} (plan ${formatBytes(pr.bytesTotal)})` +
        `${pr.extrasRemoved > 0 ? `, ${formatCount(pr.extrasRemoved)} extra(s) ${r.dryRun ? 'would be ' : ''}removed` : ''}` +
        `${pr.resumedFrom !== null ? `; resumed from run #${pr.resumedFrom}` : ''}  (run #${pr.id})`);
      if (pr.error) lines.push(`        ${pr.error}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `robocurse history --json`: a stable, versioned document for scripts, on one line. */
export function renderHistoryJson(entries: readonly HistoryEntry[], now: Date = new Date()): string {
  return `${JSON.stringify({
    format: 'robocurse.history/1',
    runs: entries.map((e) => ({
      sessionId: e.run.sessionId,
      state: e.state,
      startedAt: e.run.startedAt,
      endedAt: e.run.endedAt,
      lastRecordAt: e.lastRecordAt ?? null,
      durationMs: sessionDurationMs(e, now) ?? null,
      outcome: e.run.outcome,
      exitCode: e.run.exitCode,
      dryRun: e.run.dryRun,
      configPath: e.run.configPath,
      configHash: e.run.configHash,
      host: e.run.host,
      pid: e.run.pid,
      profiles: e.profiles.map((p) => ({ ...p.profileRun, counts: p.counts })),
    })),
  })}\n`;
}
