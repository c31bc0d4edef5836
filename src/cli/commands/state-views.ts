import { renderHistoryJson, renderHistoryText } from '../../report/render-history';
import { renderStatusJson, renderStatusText } from '../../report/render-status';
import { StateStore } from '../../state';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo } from '../io';
import { locateState, type StateDirArgs } from '../locate-state';
import { UsageError } from '../load-cli-config';
import { watchStatus } from './status-watch';
import { handleCommandError } from './validate';

/** Runs `f` on the state database the command line points at (locate-state.ts). */
export async function withStore<T>(args: StateDirArgs, io: CliIo, f: (store: StateStore) => T | Promise<T>): Promise<T> {
  const { stateDir } = await locateState(args, io);
  const store = StateStore.open(stateDir);
  try { return await f(store); } finally { store.close(); }
}

/** `robocurse history`: recent sessions and their outcomes. */
export async function historyCommand(args: StateDirArgs & { limit: number }, io: CliIo): Promise<ExitCode> {
  try {
    const out = await withStore(args, io, (s) => {
      const entries = s.history(args.limit);
      return args.json ? renderHistoryJson(entries) : renderHistoryText(entries);
    });
    io.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
    return EXIT.Success;
  } catch (e) {
    return handleCommandError(e, args, io);
  }
}

/** `robocurse status`: the state of the running (or last) session, readable from any terminal and directory. */
export async function statusCommand(args: StateDirArgs & { session?: string; watch?: boolean; interval?: number }, io: CliIo): Promise<ExitCode> {
  try {
    const intervalMs = Math.max(0.2, args.interval ?? 2) * 1000;
    if (args.interval !== undefined && !(args.interval > 0)) throw new UsageError(`--interval: expected a number of seconds > 0, got ${args.interval}`);
    await withStore(args, io, async (s) => {
      if (args.watch) {
        await watchStatus(s, io, {
          session: args.session, intervalMs, lines: Boolean(args.json),
          render: (st) => (args.json ? renderStatusJson(st) : renderStatusText(st)),
        });
        return;
      }
      const out = args.json ? renderStatusJson(s.status(args.session)) : renderStatusText(s.status(args.session));
      io.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
    });
    return EXIT.Success;
  } catch (e) {
    return handleCommandError(e, args, io);
  }
}
