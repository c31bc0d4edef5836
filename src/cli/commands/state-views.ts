import { renderHistoryJson, renderHistoryText } from '../../report/render-history';
import { renderFailedFilesJson, renderFailedFilesText } from '../../report/render-failed-files';
import { renderStatusJson, renderStatusText } from '../../report/render-status';
import { StateStore } from '../../state';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo } from '../io';
import { locateState, type StateDirArgs } from '../locate-state';
import { UsageError } from '../load-cli-config';
import { watchStatus } from './status-watch';
import { handleCommandError } from './validate';
import { healthText, readHealth, withHealthJson, type StatusArgs } from './status-health';
import type { SessionStatus } from '../../state/status-query';

/** Runs `f` on the state database the command line points at (locate-state.ts). */
export async function withStore<T>(args: StateDirArgs, io: CliIo, f: (store: StateStore, stateDir: string) => T | Promise<T>): Promise<T> {
  const { stateDir } = await locateState(args, io);
  const store = StateStore.open(stateDir);
  try { return await f(store, stateDir); } finally { store.close(); }
}

/** `robocurse history`: recent sessions and their outcomes. */
export async function historyCommand(args: StateDirArgs & { limit: number; failedFiles?: string }, io: CliIo): Promise<ExitCode> {
  try {
    const out = await withStore(args, io, (s, stateDir) => {
      if (args.failedFiles !== undefined) {
        const wanted = args.failedFiles.trim();
        const run = wanted ? s.getRun(wanted) : s.lastRun();
        if (!run) throw new UsageError(wanted ? `--failed-files ${wanted}: no such session in ${stateDir}` : `no runs recorded yet in ${stateDir}`);
        const rows = s.listFailedFiles(run.sessionId);
        return args.json ? renderFailedFilesJson(run.sessionId, rows) : renderFailedFilesText(run.sessionId, rows);
      }
      const entries = s.history(args.limit);
      return args.json ? renderHistoryJson(entries) : renderHistoryText(entries);
    });
    io.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
    return EXIT.Success;
  } catch (e) {
    return handleCommandError(e, args, io);
  }
}

/**
 * `robocurse status`: the state of the running (or last) session, readable from any terminal and
 * directory, with the live record a running session last reported; `--check`/`--idle` answer a
 * monitor instead (status-check.ts).
 */
export async function statusCommand(args: StatusArgs & StateDirArgs & { watch?: boolean; interval?: number }, io: CliIo): Promise<ExitCode> {
  if (args.check || args.idle) return (await import('./status-check')).statusCheckCommand(args, io);
  try {
    const intervalMs = Math.max(0.2, args.interval ?? 2) * 1000;
    if (args.interval !== undefined && !(args.interval > 0)) throw new UsageError(`--interval: expected a number of seconds > 0, got ${args.interval}`);
    await withStore(args, io, async (s, stateDir) => {
      const render = (st: SessionStatus | undefined): string => {
        const live = st?.state === 'running' ? readHealth(stateDir, st.run.sessionId) : undefined;
        return args.json ? withHealthJson(renderStatusJson(st), live) : `${renderStatusText(st)}${live ? healthText(live) : ''}`;
      };
      if (args.watch) {
        await watchStatus(s, io, { session: args.session, intervalMs, lines: Boolean(args.json), render });
        return;
      }
      const out = render(s.status(args.session));
      io.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
    });
    return EXIT.Success;
  } catch (e) {
    return handleCommandError(e, args, io);
  }
}
