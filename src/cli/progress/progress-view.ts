import type { OrchestrationStatus } from '../../orchestrator/types';

/** Shows run progress somewhere (terminal bars, plain lines, JSON lines). */
export interface ProgressView {
  update(status: OrchestrationStatus): void;
  /** Final refresh and release of the terminal. */
  finish(status: OrchestrationStatus): void;
}

export { formatEta } from '../../api/units';
