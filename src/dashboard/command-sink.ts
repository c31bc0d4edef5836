import { applyControlCommand } from '../orchestrator/control-poller';
import type { Orchestrator } from '../orchestrator/orchestrator';
import type { ControlCommand, StateStore } from '../state';

/** What became of a command: applied, refused by the run (with why), or still waiting in the table. */
export type CommandOutcome =
  | { state: 'applied'; id?: number }
  | { state: 'rejected'; reason: string; id?: number }
  | { state: 'queued'; id: number };

/** Where the dashboard sends run control. */
export interface CommandSink {
  send(sessionId: string, command: ControlCommand, argument?: string | number): Promise<CommandOutcome>;
}

/**
 * Commands through the state database's commands table, which the session's control poller
 * applies within about a second and answers with an outcome: the same path `robocurse pause`
 * takes, so a run started by a scheduler or in another terminal obeys the page.
 */
export class TableCommandSink implements CommandSink {
  constructor(private readonly store: StateStore, private readonly waitMs = 4000, private readonly pollMs = 100) {}

  async send(sessionId: string, command: ControlCommand, argument?: string | number): Promise<CommandOutcome> {
    const id = this.store.enqueueCommand({ sessionId }, command, argument);
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const c = this.store.getCommand(id);
      const outcome = c?.appliedAt ? c.outcome : null;
      if (outcome && outcome !== 'applying') {
        return outcome.startsWith('rejected: ') ? { state: 'rejected', reason: outcome.slice('rejected: '.length), id } : { state: 'applied', id };
      }
      if (Date.now() >= deadline) return { state: 'queued', id };
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }
}

/**
 * Commands for the run of this process applied directly (run --dashboard), recorded as events
 * by the orchestrator like every other command; any other session goes through the table.
 */
export class DirectCommandSink implements CommandSink {
  constructor(private readonly sessionId: string, private readonly orch: Orchestrator, private readonly others: CommandSink) {}

  async send(sessionId: string, command: ControlCommand, argument?: string | number): Promise<CommandOutcome> {
    if (sessionId !== this.sessionId) return this.others.send(sessionId, command, argument);
    try {
      applyControlCommand(this.orch, command, argument, 'dashboard');
      return { state: 'applied' };
    } catch (err) {
      return { state: 'rejected', reason: (err as Error).message };
    }
  }
}
