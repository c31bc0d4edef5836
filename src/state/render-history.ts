import { elapsedMs, formatBytes, formatDuration } from './format';
import type { HistoryEntry } from './status-query';

/**
 * `robocurse history` as text: one line per session (newest first), then one indented line per
 * profile run. Interrupted sessions are named as such, since they are what a resume continues.
 */
export function renderHistoryText(entries: readonly HistoryEntry[], now: Date = new Date()): string {
  if (entries.length === 0) return 'No runs recorded yet.\n';
  const lines: string[] = [];
  for (const e of entries) {
    const r = e.run;
    const outcome = e.state === 'ended' ? `${r.outcome ?? '?'} (exit ${r.exitCode ?? '?'})` : e.state === 'running' ? 'RUNNING' : 'INTERRUPTED';
    lines.push(`${r.startedAt}  ${outcome.padEnd(18)} ${formatDuration(elapsedMs(r.startedAt, r.endedAt, now)).padStart(11)}  ` +
      `session ${r.sessionId}${r.dryRun ? '  [dry run]' : ''}`);
    for (const p of e.profiles) {
      const pr = p.profileRun;
      const c = p.counts;
      const result = pr.result ?? (pr.endedAt ? '?' : e.state === 'running' ? 'running' : 'interrupted');
      lines.push(`    ${pr.profile.padEnd(20)} ${result.padEnd(11)} ` +
        `${pr.chunksTotal} chunks: ${c.Complete} ok, ${c.CompleteWithWarnings} warn, ${c.Failed} failed, ${c.Skipped} skipped` +
        `${c.Pending + c.Running > 0 ? `, ${c.Pending + c.Running} not done` : ''}; ` +
        `${formatBytes(pr.bytesCopied)} copied of ${formatBytes(pr.bytesTotal)}` +
        `${pr.extrasRemoved > 0 ? `, ${pr.extrasRemoved} extra(s) removed` : ''}` +
        `${pr.resumedFrom !== null ? `; resumed from run #${pr.resumedFrom}` : ''}  (run #${pr.id})`);
      if (pr.error) lines.push(`        ${pr.error}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `robocurse history --json`: a stable, versioned document for scripts. */
export function renderHistoryJson(entries: readonly HistoryEntry[]): string {
  return `${JSON.stringify({
    format: 'robocurse.history/1',
    runs: entries.map((e) => ({
      sessionId: e.run.sessionId,
      state: e.state,
      startedAt: e.run.startedAt,
      endedAt: e.run.endedAt,
      outcome: e.run.outcome,
      exitCode: e.run.exitCode,
      dryRun: e.run.dryRun,
      configPath: e.run.configPath,
      configHash: e.run.configHash,
      host: e.run.host,
      pid: e.run.pid,
      profiles: e.profiles.map((p) => ({ ...p.profileRun, counts: p.counts })),
    })),
  }, null, 2)}\n`;
}
