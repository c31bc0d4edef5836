import { displayName } from '../fs/byte-names';
import { displayNames } from '../fs/display-names';
import { elapsedMs, formatBytes, formatDuration } from './format';
import type { SessionStatus } from './status-query';

/** How many running / failed chunks the text view lists before summarising the rest. */
const LIST_LIMIT = 10;

/** `robocurse status` as text: the session, then per profile its chunk counts, bytes, running and failed chunks. */
export function renderStatusText(s: SessionStatus | undefined, now: Date = new Date()): string {
  if (!s) return 'No runs recorded yet.\n';
  const r = s.run;
  const state = s.state === 'ended' ? `ended: ${r.outcome ?? '?'} (exit ${r.exitCode ?? '?'})`
    : s.state === 'running' ? 'running' : 'INTERRUPTED (process gone; the next run with resume continues it)';
  const lines = [
    `Session ${r.sessionId}: ${state}${r.dryRun ? ' [dry run]' : ''}`,
    `  pid ${r.pid} on ${r.host}, started ${r.startedAt}, ${s.state === 'ended' ? 'took' : 'elapsed'} ${formatDuration(elapsedMs(r.startedAt, r.endedAt, now))}`,
    `  config ${r.configPath}`,
  ];
  for (const p of s.profiles) {
    const pr = p.profileRun;
    const c = p.counts;
    const done = c.Complete + c.CompleteWithWarnings + c.Skipped;
    const pct = pr.bytesTotal > 0 ? ` (${((100 * p.bytesDone) / pr.bytesTotal).toFixed(1)}%)` : '';
    lines.push(`Profile ${pr.profile} (run #${pr.id}${pr.resumedFrom !== null ? `, resumed from #${pr.resumedFrom}` : ''}): ${pr.result ?? (pr.endedAt ? '?' : s.state === 'running' ? 'in progress' : 'interrupted')}`);
    lines.push(`  chunks: ${done}/${pr.chunksTotal} done (${c.Skipped} from earlier runs, ${c.CompleteWithWarnings} with warnings), ` +
      `${c.Running} running, ${c.Failed} failed, ${c.Pending} pending`);
    lines.push(`  bytes:  ${formatBytes(p.bytesDone)} of ${formatBytes(pr.bytesTotal)} estimated${pct}`);
    for (const ch of p.running.slice(0, LIST_LIMIT)) {
      lines.push(`  running: ${displayName(ch.relPath) || '(root)'} [${ch.kind}] attempt ${ch.attempts}, since ${ch.startedAt ?? '?'}`);
    }
    if (p.running.length > LIST_LIMIT) lines.push(`  ... and ${p.running.length - LIST_LIMIT} more running`);
    for (const ch of p.failed.slice(0, LIST_LIMIT)) {
      lines.push(`  failed:  ${displayName(ch.relPath) || '(root)'} [${ch.kind}] exit ${ch.exitCode ?? '?'} after ${ch.attempts} attempt(s): ${ch.lastError ?? ''}`);
    }
    if (p.failed.length > LIST_LIMIT) lines.push(`  ... and ${p.failed.length - LIST_LIMIT} more failed`);
  }
  if (s.lastEvent) lines.push(`Last event #${s.lastEvent.seq} ${s.lastEvent.type} at ${s.lastEvent.timestamp}`);
  return `${lines.join('\n')}\n`;
}

/** `robocurse status --json`: a stable, versioned document (all running and failed chunks included). */
export function renderStatusJson(s: SessionStatus | undefined): string {
  if (!s) return `${JSON.stringify({ format: 'robocurse.status/1', session: null }, null, 2)}\n`;
  return `${JSON.stringify(displayNames({
    format: 'robocurse.status/1',
    session: {
      ...s.run,
      state: s.state,
      lastEventSeq: s.lastEventSeq,
      lastEvent: s.lastEvent ?? null,
      profiles: s.profiles.map((p) => ({ ...p.profileRun, counts: p.counts, bytesDone: p.bytesDone, running: p.running, failed: p.failed })),
    },
  }), null, 2)}\n`;
}
