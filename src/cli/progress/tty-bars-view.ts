import type { MultiBar, SingleBar } from 'cli-progress';
import { formatBytes, formatRate } from '../../api/units';
import type { OrchestrationStatus } from '../../orchestrator/types';
import { formatEta, type ProgressView } from './progress-view';

/**
 * On a TTY: an overall bar plus one bar per active job (bytes, rate, ETA), redrawn in place by
 * cli-progress. Loaded only when stderr is a TTY.
 */
export class TtyBarsView implements ProgressView {
  private readonly multi: MultiBar;
  private readonly overall: SingleBar;
  private readonly jobs = new Map<string, SingleBar>();

  constructor(stream: NodeJS.WriteStream) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cp = require('cli-progress') as typeof import('cli-progress');
    this.multi = new cp.MultiBar({
      stream, hideCursor: true, clearOnComplete: false, autopadding: true, fps: 5,
      format: ' {label} |{bar}| {percentage}% {done_h}/{total_h} {rate} {eta_h}',
    }, cp.Presets.shades_classic);
    this.overall = this.multi.create(100, 0, { label: 'overall', done_h: '', total_h: '', rate: '', eta_h: '' });
  }

  update(s: OrchestrationStatus): void {
    this.overall.setTotal(Math.max(1, s.bytesTotal));
    this.overall.update(s.bytesComplete, {
      label: `${(s.currentProfile ?? '').slice(0, 18).padEnd(18)}`, done_h: formatBytes(s.bytesComplete), total_h: formatBytes(s.bytesTotal),
      rate: s.bytesPerSecond ? formatRate(s.bytesPerSecond) : '', eta_h: s.suspended ? 'suspended' : s.paused ? 'paused' : `eta ${formatEta(s.bestEtaSeconds ?? s.etaSeconds)} (live ${formatEta(s.etaSeconds)}, learnt ${formatEta(s.learnedEtaSeconds)})`,
    });
    const seen = new Set<string>();
    for (const a of s.active) {
      seen.add(a.chunkId);
      let bar = this.jobs.get(a.chunkId);
      if (!bar) { bar = this.multi.create(Math.max(1, a.estimatedBytes), 0, {}); this.jobs.set(a.chunkId, bar); }
      bar.update(Math.min(a.bytesCopied, a.estimatedBytes), {
        label: `  ${(a.relPath || '.').slice(-16).padEnd(16)}`, done_h: formatBytes(a.bytesCopied), total_h: formatBytes(a.estimatedBytes), rate: a.attempt > 1 ? `attempt ${a.attempt}` : '', eta_h: '',
      });
    }
    for (const [id, bar] of this.jobs) {
      if (!seen.has(id)) { this.multi.remove(bar); this.jobs.delete(id); }
    }
  }

  finish(s: OrchestrationStatus): void {
    this.update({ ...s, active: [] });
    this.multi.stop();
  }
}
