import { StateError } from './errors';
import type { StoreContext } from './store-context';
import { CHUNK_COMMANDS, CHUNK_ID_PATTERN, CONTROL_COMMANDS, type CommandTarget, type ControlCommand, type StoredCommand } from './types';

interface CommandRow {
  id: number; session_id: string | null; profile: string | null; command: string; argument: string | null;
  created_at: string; applied_at: string | null; outcome: string | null;
}

function toCommand(r: CommandRow): StoredCommand {
  return {
    id: r.id, sessionId: r.session_id, profile: r.profile, command: r.command as ControlCommand, argument: r.argument,
    createdAt: r.created_at, appliedAt: r.applied_at, outcome: r.outcome,
  };
}

/** Queues a command for a running session (written by another process: CLI, dashboard). */
export function enqueueCommand(ctx: StoreContext, target: CommandTarget, command: ControlCommand, argument?: string | number): number {
  if (!CONTROL_COMMANDS.includes(command)) {
    throw new StateError('STATE_BAD_COMMAND', `unknown command "${command}"; expected one of ${CONTROL_COMMANDS.join(', ')}`);
  }
  if ((command === 'set-bandwidth' || command === 'set-concurrency') && (argument === undefined || !Number.isFinite(Number(argument)) || Number(argument) < 0)) {
    throw new StateError('STATE_BAD_COMMAND', `${command} needs a number >= 0 as argument, got ${JSON.stringify(argument)}`);
  }
  if (CHUNK_COMMANDS.includes(command) && (typeof argument !== 'string' || !CHUNK_ID_PATTERN.test(argument))) {
    throw new StateError('STATE_BAD_COMMAND', `${command} needs a chunk id (letters, digits, - and _) as argument, got ${JSON.stringify(argument)}`);
  }
  if (!target.sessionId && !target.profile) throw new StateError('STATE_BAD_COMMAND', 'a command needs a session id or a profile');
  const info = ctx.write(() => ctx.stmt('INSERT INTO commands(session_id, profile, command, argument, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(target.sessionId ?? null, target.profile ?? null, command, argument === undefined ? null : String(argument), ctx.now()));
  return Number(info.lastInsertRowid);
}

/**
 * Commands not yet applied that are meant for this session: addressed to it, or to one of the
 * profiles it runs. Profile-addressed commands older than the session's start are ignored, so a
 * stale `stop` left from yesterday cannot stop today's run.
 */
export function pollCommands(ctx: StoreContext, sessionId: string, profiles: readonly string[]): StoredCommand[] {
  const rows = ctx.stmt(
    `SELECT c.* FROM commands c JOIN runs r ON r.session_id = ?
     WHERE c.applied_at IS NULL
       AND (c.session_id = r.session_id
            OR (c.session_id IS NULL AND c.profile IN (SELECT value FROM json_each(?)) AND c.created_at >= r.started_at))
     ORDER BY c.id`).all(sessionId, JSON.stringify(profiles)) as CommandRow[];
  return rows.map(toCommand);
}

/**
 * Marks a command applied (or rejected: `outcome` says why). Returns false when it was already
 * marked, so two sessions that both saw a profile command cannot both apply it.
 */
export function markCommandApplied(ctx: StoreContext, id: number, outcome = 'applied'): boolean {
  const info = ctx.write(() => ctx.stmt('UPDATE commands SET applied_at = ?, outcome = ? WHERE id = ? AND applied_at IS NULL')
    .run(ctx.now(), outcome, id));
  return info.changes === 1;
}

/** Records what became of a command this session already claimed with markCommandApplied. */
export function setCommandOutcome(ctx: StoreContext, id: number, outcome: string): void {
  ctx.write(() => ctx.stmt('UPDATE commands SET outcome = ? WHERE id = ?').run(outcome, id));
}

/** One command, for the CLI to report what became of it. */
export function getCommand(ctx: StoreContext, id: number): StoredCommand | undefined {
  const row = ctx.stmt('SELECT * FROM commands WHERE id = ?').get(id) as CommandRow | undefined;
  return row && toCommand(row);
}
