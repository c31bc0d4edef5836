import { formatBytes, formatCount, formatDuration, formatEta, formatPercent, formatRate } from '../api/units';
import type { LiveStatus } from '../dashboard/live-status';
import { displayName } from '../fs/byte-names';
import { displayNames } from '../fs/display-names';
import type { SessionStatus } from '../state/status-query';
import { copiedPhrase } from './render-history';
import { sessionDurationMs, shortTime } from './session-times';
import { statusEta } from './status-eta';

/** How many running / failed chunks the text view lists before summarising the rest. */
const LIST_LIMIT = 10;

/** The live sample of a running session, when it published one. */
export function liveOf(s: SessionStatus): LiveStatus | undefined {
  return s.state === 'running' && s.live ? (s.live.status as unknown as LiveStatus) : undefined;
}

/** Replicating, Paused, Suspended, Draining, Stopping, Scanning, ... as a person would say it. */
export function livePhase(l: LiveStatus): string {
  if (l.stopping) return 'Stopping';
  if (l.draining) return 'Draining';
  if (l.suspended) return 'Suspended';
  if (l.paused) return 'Paused';
  return l.phase;
}

function liveLines(l: LiveStatus, updatedAt: string): string[] {
  const eta = statusEta(l);
  const lines = [
    `  phase:   ${livePhase(l)}${l.currentProfile ? ` profile ${l.currentProfile} (${l.profileIndex + 1} of ${l.profileCount})` : ''}`,
    `  done:    ${formatBytes(l.bytesComplete)} of ${formatBytes(l.bytesTotal)} (${formatPercent(l.bytesComplete, l.bytesTotal)}), ` +
      `${formatCount(l.filesComplete ?? 0)} of ${formatCount(l.filesTotal ?? 0)} files; ` +
      `chunks ${formatCount(l.chunksComplete)} of ${formatCount(l.chunksTotal)} (${l.chunksFailed} failed), ${l.activeCount} running, ${l.queuedCount} queued`,
    `  rate:    ${formatRate(l.minuteBytesPerSecond)} over the last minute; ETA ${l.suspended ? 'none while suspended' : formatEta(eta.profileSeconds)}` +
      `${l.profileCount > 1 ? ` for this profile, ${formatEta(eta.overallSeconds)} for all profiles` : ''}${eta.profileSeconds !== undefined ? ` (from the ${eta.basis})` : ''}`,
  ];
  if (l.profileCount > 1) lines.push(`  overall: ${formatBytes(l.overallBytesComplete)} of ${l.overallTotalEstimated ? 'an estimated ' : ''}${formatBytes(l.overallBytesTotal)} (${formatPercent(l.overallProgress, 100)})`);
  for (const a of l.active.slice(0, LIST_LIMIT)) {
    lines.push(`  running: ${displayName(a.relPath) || '(root)'} ${formatBytes(a.bytesCopied)} of ${formatBytes(a.estimatedBytes)} ` +
      `(${formatPercent(a.bytesCopied, a.estimatedBytes)}), attempt ${a.attempt}, ${formatRate(a.bytesPerSecond)}  [${a.chunkId}]`);
  }
  if (l.active.length > LIST_LIMIT) lines.push(`  ... and ${l.active.length - LIST_LIMIT} more running`);
  lines.push(`  (live figures of ${shortTime(updatedAt)})`);
  return lines;
}

/**
 * `robocurse status` as text: the session (live figures while it runs: bytes, files, the rate
 * over the last minute, ETA, running chunks, phase including Paused, Suspended and Draining;
 * its outcome once it ended), then per profile its chunk counts, what it copied and its failures.
 */
export function renderStatusText(s: SessionStatus | undefined, now: Date = new Date()): string {
  if (!s) return 'No runs recorded yet.\n';
  const r = s.run;
  const state = s.state === 'ended' ? `ended: ${r.outcome ?? '?'} (exit ${r.exitCode ?? '?'})`
    : s.state === 'running' ? 'running' : 'INTERRUPTED (process gone; the next run with resume continues it)';
  const lines = [
    `Session ${r.sessionId}: ${state}${r.dryRun ? ' [dry run: nothing is written]' : ''}`,
    `  started ${shortTime(r.startedAt)}, ${s.state === 'running' ? 'elapsed' : s.state === 'ended' ? 'took' : 'lasted'} ` +
      `${formatDuration(sessionDurationMs(s, now))}; pid ${r.pid} on ${r.host}; config ${r.configPath}`,
  ];
  const live = liveOf(s);
  if (live) lines.push(...liveLines(live, s.live!.updatedAt));
  for (const p of s.profiles) {
    const pr = p.profileRun;
    const c = p.counts;
    const done = c.Complete + c.CompleteWithWarnings + c.Skipped;
    lines.push(`Profile ${pr.profile} (run #${pr.id}${pr.resumedFrom !== null ? `, resumed from #${pr.resumedFrom}` : ''}): ${pr.result ?? (pr.endedAt ? '?' : s.state === 'running' ? 'in progress' : 'interrupted')}`);
    lines.push(`  chunks: ${done}/${pr.chunksTotal} done (${c.Skipped} from earlier runs, ${c.CompleteWithWarnings} with warnings), ` +
      `${c.Running} running, ${c.Failed} failed, ${c.Pending} pending`);
    lines.push(`  bytes:  ${formatBytes(p.bytesDone)} of ${formatBytes(pr.bytesTotal)} estimated in finished chunks (${formatPercent(p.bytesDone, pr.bytesTotal)}); ` +
      `${copiedPhrase(pr, r.dryRun)}${pr.extrasRemoved > 0 ? `, ${formatCount(pr.extrasRemoved)} extra(s) ${r.dryRun ? 'would be ' : ''}removed` : ''}`);
    if (!live) {
      for (const ch of p.running.slice(0, LIST_LIMIT)) {
        lines.push(`  running: ${displayName(ch.relPath) || '(root)'} [${ch.kind}] attempt ${ch.attempts}, since ${ch.startedAt ? shortTime(ch.startedAt) : '?'}`);
      }
      if (p.running.length > LIST_LIMIT) lines.push(`  ... and ${p.running.length - LIST_LIMIT} more running`);
    }
    for (const ch of p.failed.slice(0, LIST_LIMIT)) {
      lines.push(`  failed:  ${displayName(ch.relPath) || '(root)'} [${ch.kind}] exit ${ch.exitCode ?? '?'} after ${ch.attempts} attempt(s): ${ch.lastError ?? ''}`);
    }
    if (p.failed.length > LIST_LIMIT) lines.push(`  ... and ${p.failed.length - LIST_LIMIT} more failed`);
    if (pr.error) lines.push(`  ${pr.error}`);
  }
  if (s.lastEvent) lines.push(`Last event #${s.lastEvent.seq} ${s.lastEvent.type} at ${shortTime(s.lastEvent.timestamp)}`);
  return `${lines.join('\n')}\n`;
}

/** `robocurse status --json`: a stable, versioned document on one line (like every --json output) (all running and failed chunks included). */
export function renderStatusJson(s: SessionStatus | undefined, now: Date = new Date()): string {
  if (!s) return `${JSON.stringify({ format: 'robocurse.status/1', session: null })}\n`;
  const live = liveOf(s);
  return `${JSON.stringify(displayNames({
    format: 'robocurse.status/1',
    session: {
      ...s.run,
      state: s.state,
      durationMs: sessionDurationMs(s, now) ?? null,
      lastRecordAt: s.lastRecordAt ?? null,
      lastEventSeq: s.lastEventSeq,
      lastEvent: s.lastEvent ?? null,
      live: live ? { ...live, phase: livePhase(live), runPhase: live.phase, updatedAt: s.live!.updatedAt, eta: statusEta(live) } : null,
      profiles: s.profiles.map((p) => ({ ...p.profileRun, counts: p.counts, bytesDone: p.bytesDone, running: p.running, failed: p.failed })),
    },
  }))}\n`;
}
