import type { Logger } from '../api';
import type { Orchestrator } from '../orchestrator/orchestrator';
import type { StateStore, StoredCommand } from '../state';

/**
 * Applies control commands that other processes wrote into the state database (`robocurse pause
 * --profile X` from another terminal, a scheduler, a dashboard). Each command is claimed in the
 * database first, so two sessions never both apply it; its outcome is written back.
 */
export function startControlPoller(store: StateStore, orch: Orchestrator, sessionId: string, profiles: string[], logger: Logger, intervalMs = 1000): () => void {
  const apply = (c: StoredCommand): string => {
    switch (c.command) {
      case 'pause': orch.requestPause(); return 'applied';
      case 'suspend': orch.requestPause({ suspend: true }); return 'applied';
      case 'resume': orch.requestResume(); return 'applied';
      case 'drain': orch.requestDrain(`command ${c.id}`); return 'applied';
      case 'stop': orch.requestStop(`command ${c.id}`); return 'applied';
      case 'set-concurrency': orch.setMaxConcurrentJobs(Number(c.argument), `command ${c.id}`); return 'applied';
      case 'set-bandwidth': orch.setBandwidthMbps(Number(c.argument), `command ${c.id}`); return 'applied';
      default: return `rejected: unknown command ${String(c.command)}`;
    }
  };
  const poll = (): void => {
    try {
      for (const c of store.pollCommands(sessionId, profiles)) {
        // Claim first: of two sessions polling the same profile, only the one that claims acts.
        if (!store.markCommandApplied(c.id, 'applying')) continue;
        let outcome: string;
        try { outcome = apply(c); } catch (err) { outcome = `rejected: ${(err as Error).message}`; }
        store.setCommandOutcome(c.id, outcome);
        logger.info({ command: c.command, argument: c.argument, id: c.id }, `control command ${c.command}: ${outcome}`);
      }
    } catch (err) {
      logger.warn({ err }, 'cannot read control commands from the state database');
    }
  };
  const timer = setInterval(poll, intervalMs);
  // The run holds the event loop (its tick timer and the CLI's keep-alive); the poller only serves it.
  timer.unref();
  return () => clearInterval(timer);
}
