import type { Orchestrator } from '../orchestrator/orchestrator';

type Target = Pick<Orchestrator, 'requestDrain' | 'requestStop'>;

export interface SignalControl {
  /** From now on signals act on `orch`; one that came before is applied at once. */
  attach(orch: Target): void;
  /** The run has ended: signals are acknowledged, and the clean-up that follows goes on. */
  detach(): void;
  /**
   * Removes the handlers (Node's defaults return) once the current promise continuations have
   * run. Call after the locks are released.
   */
  remove(): void;
}

/**
 * Ctrl-C once drains (running jobs finish, nothing new starts), twice stops and kills.
 * SIGTERM (schedulers, service managers) stops at once. SIGHUP is ignored so a closed ssh
 * session does not kill a long run.
 *
 * Installed before the run takes its profile locks and removed only after it released them:
 * with Node's default handler a SIGTERM in between would end the process on the spot and leave
 * the lock (and a half-recorded session) behind. A signal that comes before the orchestrator
 * exists is remembered and applied when it is attached (the run then stops before it starts).
 */
export function installSignalControl(say: (msg: string) => void): SignalControl {
  let target: Target | undefined;
  let ended = false;
  let pending: 'drain' | 'stop' | undefined;
  let interrupts = 0;
  const act = (mode: 'drain' | 'stop', reason: string): void => {
    if (target) {
      if (mode === 'stop') target.requestStop(reason);
      else target.requestDrain(reason);
    } else if (pending !== 'stop') {
      pending = mode;
    }
  };
  const onInt = (): void => {
    if (ended) { say('robocurse: Ctrl-C: the run has ended; finishing its clean-up.'); return; }
    interrupts++;
    if (interrupts === 1) {
      say('robocurse: Ctrl-C: draining (running jobs finish, nothing new starts). Press Ctrl-C again to stop now.');
      act('drain', 'SIGINT');
    } else {
      say('robocurse: second Ctrl-C: stopping and killing running jobs.');
      act('stop', 'SIGINT twice');
    }
  };
  const onTerm = (): void => {
    if (ended) { say('robocurse: SIGTERM: the run has ended; finishing its clean-up.'); return; }
    say('robocurse: SIGTERM: stopping.');
    act('stop', 'SIGTERM');
  };
  const onHup = (): void => undefined;
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onHup);
  return {
    attach(orch: Target): void {
      target = orch;
      if (pending === 'stop') orch.requestStop('signal before the run started');
      else if (pending === 'drain') orch.requestDrain('signal before the run started');
      pending = undefined;
    },
    detach(): void { ended = true; target = undefined; },
    remove(): void {
      // Not at once: a process without a listener takes Node's default action the moment the
      // signal arrives, even in the middle of synchronous code. What follows remove() up to the
      // command's exit code reaching launch() is promise continuations only; launch() then puts
      // its own listeners in place (exit with that code), before this runs.
      setImmediate(() => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        process.off('SIGHUP', onHup);
      });
    },
  };
}
