import type { Logger } from '../api';
import type { Orchestrator } from '../orchestrator/orchestrator';
import type { ControlCommand, StateStore } from '../state';

type Controls = Pick<Orchestrator, 'requestPause' | 'requestResume' | 'requestDrain' | 'requestStop' | 'setMaxConcurrentJobs' | 'setBandwidthMbps' | 'retryChunk' | 'skipChunk'>;

/**
 * Applies one control command to a running orchestrator; `source` says who sent it (recorded in
 * the events). Throws, saying why, when the orchestrator refuses it (a chunk that is running...).
 * Shared by the commands-table poller and the in-process dashboard.
 */
export function applyControlCommand(orch: Controls, command: ControlCommand, argument: string | number | null | undefined, source: string): 'applied' {
  switch (command) {
    case 'pause': orch.requestPause(); break;
    case 'suspend': orch.requestPause({ suspend: true }); break;
    case 'resume': orch.requestResume(); break;
    case 'drain': orch.requestDrain(source); break;
    case 'stop': orch.requestStop(source); break;
    case 'set-concurrency': orch.setMaxConcurrentJobs(Number(argument), source); break;
    case 'set-bandwidth': orch.setBandwidthMbps(Number(argument), source); break;
    case 'retry-chunk': orch.retryChunk(String(argument), source); break;
    case 'skip-chunk': orch.skipChunk(String(argument), source); break;
    default: throw new Error(`unknown command ${String(command)}`);
  }
  return 'applied';
}

/**
 * Applies control commands that other processes wrote into the state database (`robocurse pause
 * --profile X` from another terminal, a scheduler, a dashboard). Each command is claimed in the
 * database first, so two sessions never both apply it; its outcome is written back.
 */
export function startControlPoller(store: StateStore, orch: Controls, sessionId: string, profiles: string[], logger: Logger, intervalMs = 1000): () => void {
  const poll = (): void => {
    try {
      for (const c of store.pollCommands(sessionId, profiles)) {
        // Claim first: of two sessions polling the same profile, only the one that claims acts.
        if (!store.markCommandApplied(c.id, 'applying')) continue;
        let outcome: string;
        try { outcome = applyControlCommand(orch, c.command, c.argument, `command ${c.id}`); } catch (err) { outcome = `rejected: ${(err as Error).message}`; }
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
