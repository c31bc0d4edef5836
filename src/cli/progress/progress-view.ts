import type { OrchestrationStatus } from '../../orchestrator/types';

/** Shows run progress somewhere (terminal bars, plain lines, JSON lines). */
export interface ProgressView {
  update(status: OrchestrationStatus): void;
  /** Final refresh and release of the terminal. */
  finish(status: OrchestrationStatus): void;
}

/** "1:02:03" / "2:03"; '--:--' when unknown. */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600); const m = Math.floor((s % 3600) / 60); const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}
