import type { Orchestrator } from '../orchestrator/orchestrator';

/**
 * Ctrl-C once drains (running jobs finish, nothing new starts), twice stops and kills.
 * SIGTERM (schedulers, service managers) stops at once. SIGHUP is ignored so a closed ssh
 * session does not kill a long run. Returns a function that removes the handlers.
 */
export function installSignalControl(orch: Orchestrator, say: (msg: string) => void): () => void {
  let interrupts = 0;
  const onInt = (): void => {
    interrupts++;
    if (interrupts === 1) {
      say('robocurse: Ctrl-C: draining (running jobs finish, nothing new starts). Press Ctrl-C again to stop now.');
      orch.requestDrain('SIGINT');
    } else {
      say('robocurse: second Ctrl-C: stopping and killing running jobs.');
      orch.requestStop('SIGINT twice');
    }
  };
  const onTerm = (): void => { say('robocurse: SIGTERM: stopping.'); orch.requestStop('SIGTERM'); };
  const onHup = (): void => undefined;
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onHup);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onHup);
  };
}
