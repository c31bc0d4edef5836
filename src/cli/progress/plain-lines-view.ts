import { formatBytes, formatPercent, formatRate } from '../../api/units';
import type { OrchestrationStatus } from '../../orchestrator/types';
import { formatEta, type ProgressView } from './progress-view';

function line(s: OrchestrationStatus): string {
  return `[${s.phase}${s.paused ? s.suspended ? ', suspended' : ', paused' : ''}] ${s.currentProfile ?? '-'} ` +
    `${formatPercent(s.bytesComplete, s.bytesTotal)} ${formatBytes(s.bytesComplete)}/${formatBytes(s.bytesTotal)} ` +
    `chunks ${s.chunksComplete}/${s.chunksTotal} (failed ${s.chunksFailed}, active ${s.activeCount}, queued ${s.queuedCount}) ` +
    `rate ${formatRate(s.bytesPerSecond)} eta ${formatEta(s.bestEtaSeconds ?? s.etaSeconds)} (live ${formatEta(s.etaSeconds)}, learnt ${formatEta(s.learnedEtaSeconds)})` + (s.profileCount > 1 ? ` (all profiles ${formatPercent(s.overallProgress, 100)}${s.overallTotalEstimated ? ' of an estimate' : ''}, eta ${formatEta(s.overallEtaSeconds)})` : '');
}

/** Writes one rendered line per status, at most every `intervalMs` (and always at the end). */
class ThrottledLinesView implements ProgressView {
  private last = 0;
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly render: (s: OrchestrationStatus) => string,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  update(status: OrchestrationStatus): void {
    const t = this.now();
    if (t - this.last < this.intervalMs) return;
    this.last = t;
    this.out.write(`${this.render(status)}\n`);
  }

  finish(status: OrchestrationStatus): void { this.out.write(`${this.render(status)}\n`); }
}

/** Off a TTY (logs, schedulers): one human progress line every `intervalMs`. */
export class PlainLinesView extends ThrottledLinesView {
  constructor(out: NodeJS.WritableStream, intervalMs = 5_000, now: () => number = Date.now) { super(out, line, intervalMs, now); }
}

/** `--json`: one status object per line on stdout, at most every `intervalMs`. */
export class JsonLinesView extends ThrottledLinesView {
  constructor(out: NodeJS.WritableStream, intervalMs = 1_000, now: () => number = Date.now) {
    super(out, (s) => JSON.stringify({ type: 'status', ...s }), intervalMs, now);
  }
}
