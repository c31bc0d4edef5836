import { formatBytes } from '../../plan';
import type { OrchestrationStatus } from '../../orchestrator/types';
import { formatEta, type ProgressView } from './progress-view';

function line(s: OrchestrationStatus): string {
  const rate = s.bytesPerSecond ? `${formatBytes(s.bytesPerSecond)}/s` : '-';
  return `[${s.phase}${s.paused ? s.suspended ? ', suspended' : ', paused' : ''}] ${s.currentProfile ?? '-'} ` +
    `${s.profileProgress.toFixed(1)}% ${formatBytes(s.bytesComplete)}/${formatBytes(s.bytesTotal)} ` +
    `chunks ${s.chunksComplete}/${s.chunksTotal} (failed ${s.chunksFailed}, active ${s.activeCount}, queued ${s.queuedCount}) ` +
    `rate ${rate} eta ${formatEta(s.etaSeconds)}` + (s.profileCount > 1 ? ` (all profiles ${s.overallProgress.toFixed(1)}%, eta ${formatEta(s.overallEtaSeconds)})` : '');
}

/** Off a TTY (logs, schedulers): one progress line every `intervalMs`. */
export class PlainLinesView implements ProgressView {
  private last = 0;
  constructor(private readonly out: NodeJS.WritableStream, private readonly intervalMs = 5_000, private readonly now: () => number = Date.now) {}

  update(status: OrchestrationStatus): void {
    const t = this.now();
    if (t - this.last < this.intervalMs) return;
    this.last = t;
    this.out.write(`${line(status)}\n`);
  }

  finish(status: OrchestrationStatus): void { this.out.write(`${line(status)}\n`); }
}

/** `--json`: one status object per line on stdout, at most every `intervalMs`. */
export class JsonLinesView implements ProgressView {
  private last = 0;
  constructor(private readonly out: NodeJS.WritableStream, private readonly intervalMs = 1_000, private readonly now: () => number = Date.now) {}

  update(status: OrchestrationStatus): void {
    const t = this.now();
    if (t - this.last < this.intervalMs) return;
    this.last = t;
    this.out.write(`${JSON.stringify({ type: 'status', ...status })}\n`);
  }

  finish(status: OrchestrationStatus): void { this.out.write(`${JSON.stringify({ type: 'status', ...status })}\n`); }
}
