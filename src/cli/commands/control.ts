import { CHUNK_COMMANDS, CHUNK_ID_PATTERN, StateStore, type CommandTarget, type ControlCommand } from '../../state';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo, CommonArgs } from '../io';
import { loadCliConfig, UsageError } from '../load-cli-config';
import { handleCommandError } from './validate';

interface ControlArgs extends CommonArgs { session?: string; value?: number; id?: string; wait: number }

/**
 * `robocurse pause|suspend|resume|drain|stop|set-bandwidth|set-concurrency`: writes the command
 * into the state database, where the session running the profile picks it up within a second,
 * then waits (up to --wait seconds) to report whether it was applied.
 */
export function controlCommand(command: ControlCommand) {
  return async (args: ControlArgs, io: CliIo): Promise<ExitCode> => {
    try {
      const cfg = await loadCliConfig(args, io);
      const names = args.profile ?? [];
      for (const n of names) if (!cfg.profiles.some((p) => p.name === n)) throw new UsageError(`--profile ${n}: no such profile in ${cfg.configPath}`);
      const targets: CommandTarget[] = args.session ? [{ sessionId: args.session }] : names.map((profile) => ({ profile }));
      if (targets.length === 0) throw new UsageError(`${command}: name the run with --profile NAME or --session ID`);
      if ((command === 'set-bandwidth' || command === 'set-concurrency') && (args.value === undefined || !Number.isFinite(args.value))) {
        throw new UsageError(`${command}: give the new value, e.g. robocurse ${command} 200 --profile NAME`);
      }
      const chunkCommand = CHUNK_COMMANDS.includes(command);
      if (chunkCommand && (args.id === undefined || !CHUNK_ID_PATTERN.test(String(args.id)))) {
        throw new UsageError(`${command}: ${JSON.stringify(args.id)} is not a chunk id (16 hex digits, as robocurse status and the dashboard show them)`);
      }
      const store = StateStore.open(cfg.global.stateDir);
      try {
        const ids = targets.map((t) => store.enqueueCommand(t, command, chunkCommand ? String(args.id) : args.value));
        const deadline = Date.now() + args.wait * 1000;
        let pending = ids;
        while (pending.length > 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          // A session claims a command ('applying') before it applies it and writes the outcome.
          pending = pending.filter((id) => { const c = store.getCommand(id); return !c?.appliedAt || c.outcome === 'applying'; });
        }
        for (const id of ids) {
          const c = store.getCommand(id);
          io.stdout.write(`${command} (#${id}): ${c?.appliedAt ? c.outcome ?? 'applied' : 'queued; no running session has picked it up yet'}\n`);
        }
        return EXIT.Success;
      } finally {
        store.close();
      }
    } catch (e) {
      return handleCommandError(e, args, io);
    }
  };
}
